package dev.lifeboat.core.check;

import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The few numbers a long-running process exports about its repository on every refresh of its
 * metrics: the newest backup, the last passing drill's RTO and the RPO. Lighter than a check: it
 * lists, reads WAL summaries and the streamed part, and verifies nothing.
 *
 * @param newestBackupEnded   when the newest intact backup ended, or null when there is none
 * @param lastDrillRtoSeconds the recovery time of the newest passing drill, or null
 * @param rpo                 the RPO, measured when the cluster's side was given
 */
public record RecoveryStatus(Instant newestBackupEnded, Double lastDrillRtoSeconds, RecoveryPointObjective rpo) {

    /**
     * Reads the repository.
     *
     * @param cluster the cluster's WAL position and newest commit, asked before this call; null when unknown
     */
    public static RecoveryStatus read(Repository repository, ClusterCommits cluster, Clock clock) {
        List<BackupManifest> backups = repository.backups().listing().intact();
        Instant newestBackup = backups.stream().map(BackupManifest::stopTime).filter(t -> t != null).max(Comparator.naturalOrder()).orElse(null);
        Double rto = lastPassedDrillRtoSeconds(repository.drills().latestVerdicts());
        WalInventory wal = WalInventory.load(repository);
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(RestorableEnd.find(repository, wal, backups).orElse(null), cluster,
                new WalSegmentSize(repository.descriptor().walSegmentSize()), clock.instant());
        return new RecoveryStatus(newestBackup, rto, rpo);
    }

    /** The recovery time of the newest drill that passed, among each backup's newest verdict; null when none did or it was not timed. */
    public static Double lastPassedDrillRtoSeconds(Map<String, DrillRecord> latestVerdicts) {
        DrillRecord passed = latestVerdicts.values().stream().filter(DrillRecord::passed)
                .max(Comparator.comparing(DrillRecord::startedAt)).orElse(null);
        return passed == null || passed.timings() == null || passed.timings().rto() == null ? null
                : passed.timings().rto().toMillis() / 1000.0;
    }
}
