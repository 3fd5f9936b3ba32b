package dev.lifeboat.core.retention;

import dev.lifeboat.core.repo.ArchivedWal;

import java.time.Instant;
import java.util.List;

/**
 * What expire keeps and removes, and why. Computed from the catalog and the WAL archive
 * alone; carrying it out is {@link ExpireService}'s job.
 *
 * @param backups     every backup, oldest first, each kept (with its reasons) or not
 * @param walKeptFrom the first WAL segment kept: everything below it goes; null when no WAL goes
 * @param walToRemove archived WAL files below {@code walKeptFrom}, oldest first
 * @param orphans     data of backups that never got a manifest, old enough to remove
 */
public record RetentionPlan(
        String policy,
        Instant evaluatedAt,
        List<BackupDecision> backups,
        String walKeptFrom,
        List<ArchivedWal> walToRemove,
        List<Orphan> orphans,
        List<String> notes) {

    /** One backup's fate. */
    public record BackupDecision(String id, String type, String parent, int timeline, String stopLsn, Instant stopTime,
                                 boolean keep, List<String> reasons) {
    }

    /** The data objects of a backup id that has no manifest. */
    public record Orphan(String backupId, long objects, long bytes, Instant newestObject) {
    }

    public List<BackupDecision> expired() {
        return backups.stream().filter(b -> !b.keep()).toList();
    }

    public List<BackupDecision> kept() {
        return backups.stream().filter(BackupDecision::keep).toList();
    }
}
