package dev.lifeboat.core.backup;

import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;

import java.time.Duration;
import java.time.Instant;

/**
 * A backup that now exists in the repository, with what it took.
 *
 * @param parent      the backup a diff or incr builds on (null for a full backup)
 * @param reusedFiles files unchanged since the parent, whose stored copies are reused
 * @param pageChecksums whether data pages were checked, and the corrupt ones found (also those
 *                      of files reused unchanged from the parent); the backup is complete either way
 * @param fromStandby   whether it was taken on a standby (backup --from-standby)
 */
public record BackupResult(
        String backupId,
        BackupType type,
        String parent,
        long reusedFiles,
        int timeline,
        String startLsn,
        String stopLsn,
        String startWalFile,
        String stopWalFile,
        Instant startTime,
        Instant stopTime,
        long files,
        long bytes,
        long storedBytes,
        long objects,
        Duration copyDuration,
        Duration archiveWaitDuration,
        Duration totalDuration,
        BackupManifest.PageChecksums pageChecksums,
        boolean fromStandby) {

    /** Data read from the cluster per second of the whole backup, in MB (10^6 bytes). */
    public double megabytesPerSecond() {
        double seconds = Math.max(0.001, totalDuration.toMillis() / 1000.0);
        return bytes / 1e6 / seconds;
    }

    /** The corrupt pages the backup holds, by relation file (empty when none, or not checked). */
    public java.util.List<BackupManifest.CorruptPages> corruptPages() {
        return pageChecksums == null ? java.util.List.of() : pageChecksums.corrupt();
    }
}
