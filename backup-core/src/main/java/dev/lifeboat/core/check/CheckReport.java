package dev.lifeboat.core.check;

import java.time.Instant;
import java.util.List;

/**
 * What `lifeboat check` found. {@code problems} is empty when everything passed.
 *
 * @param timelines the archived WAL per timeline, from the oldest backup on its path to its newest segment
 * @param cluster   the running cluster's archiving state, when it was asked for (else null)
 */
public record CheckReport(String location, List<TimelineWal> timelines, ClusterArchiving cluster, List<String> problems) {

    public boolean passed() {
        return problems.isEmpty();
    }

    /**
     * One timeline's archive.
     *
     * @param from          the first segment checked (the oldest backup's start on this path, else the first archived)
     * @param newest        the newest archived segment of the timeline
     * @param gaps          missing stretches between the two
     * @param streamedUpTo  the newest streamed (not yet archived) segment of the timeline, if any
     * @param streamedAt    when it was last stored
     */
    public record TimelineWal(int timeline, String from, String newest, long segments, List<Gap> gaps, String streamedUpTo,
                              Instant streamedAt) {
    }

    /**
     * Missing segments, first..last, and the backups that cannot be restored past them.
     */
    public record Gap(String firstMissing, String lastMissing, long segments, List<String> backups) {
    }

    /**
     * The cluster's side.
     *
     * @param ready         WAL files PostgreSQL has marked ready and not yet archived
     * @param oldestReady   the oldest of them
     * @param failedCount   pg_stat_archiver.failed_count (null when not connected)
     * @param lastFailedWal pg_stat_archiver.last_failed_wal
     * @param slots         every replication slot, with the WAL it keeps
     * @param connection    why the cluster could not be asked, or null
     */
    public record ClusterArchiving(int ready, String oldestReady, Long failedCount, String lastFailedWal, List<Slot> slots,
                                   String connection) {
    }

    public record Slot(String name, String type, boolean active, String restartLsn, Long retainedBytes, String walStatus) {
    }
}
