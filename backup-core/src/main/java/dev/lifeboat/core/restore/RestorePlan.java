package dev.lifeboat.core.restore;

import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.wal.Lsn;

import java.util.List;

/**
 * The backup a restore starts from and what the archive promises beyond it.
 *
 * @param targetTimeline the timeline recovery follows
 * @param timelineLatest the user asked for the newest timeline (recovery_target_timeline = 'latest')
 * @param archiveEnd     where the gap-free archived WAL on that timeline's path ends
 * @param notes          things the operator should read before trusting the result
 * @param replayPath     the archived segments recovery will ask for, in order, from the backup's start to archiveEnd
 */
public record RestorePlan(BackupManifest backup, RecoveryTarget target, int targetTimeline, boolean timelineLatest,
                          Lsn archiveEnd, List<String> notes, List<ArchivedWal> replayPath) {
}
