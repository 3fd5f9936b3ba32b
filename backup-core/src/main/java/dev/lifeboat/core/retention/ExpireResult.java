package dev.lifeboat.core.retention;

import java.time.Duration;
import java.util.List;

/**
 * What expire removed (or, for a dry run, would remove).
 *
 * @param backups        every backup with its decision, oldest first
 * @param walKeptFrom    the first WAL segment kept, or null when no WAL was removed
 * @param orphans        ids of backups without a manifest whose data was removed
 */
public record ExpireResult(
        String location,
        boolean dryRun,
        String policy,
        List<RetentionPlan.BackupDecision> backups,
        List<String> removedBackups,
        long dataObjectsRemoved,
        long dataBytesRemoved,
        String walKeptFrom,
        long walFilesRemoved,
        long walBytesRemoved,
        List<String> orphans,
        List<String> notes,
        Duration duration) {

    /** One line for job records and logs. */
    public String summary() {
        String verb = dryRun ? "would remove " : "removed ";
        return verb + removedBackups.size() + " backup(s)" + (removedBackups.isEmpty() ? "" : " " + String.join(", ", removedBackups))
                + ", " + walFilesRemoved + " WAL file(s)" + (orphans.isEmpty() ? "" : ", " + orphans.size() + " orphaned backup data set(s)")
                + "; kept " + backups.stream().filter(RetentionPlan.BackupDecision::keep).count() + " backup(s)";
    }
}
