package dev.lifeboat.core.check;

import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.time.Duration;
import java.time.Instant;

/**
 * The measured RPO: how much committed work a restore made now would lose, as the time between
 * the newest commit the cluster holds and the newest commit the repository can restore. Pure
 * arithmetic over what {@link RestorableEnd} and {@link ClusterCommits} found.
 *
 * @param seconds             the RPO, or null when it cannot be measured (no connection to the cluster,
 *                            nothing restorable)
 * @param newestRestorable    the newest commit (or abort) a restore can replay, or null when none is known
 * @param restorableAgeSeconds how long ago that was (an upper bound of the RPO when the cluster is not asked)
 * @param basis               one line saying how the value was found
 */
public record RecoveryPointObjective(Double seconds, Instant newestRestorable, Long restorableAgeSeconds, String basis) {

    /** PostgreSQL's long page header (first page of a segment) and short page header. */
    private static final int LONG_PAGE_HEADER = 40;
    private static final int SHORT_PAGE_HEADER = 24;
    private static final int WAL_BLOCK = 8192;

    /**
     * Measures the RPO.
     *
     * @param end     what the repository can restore, or null when it holds no WAL
     * @param cluster the cluster's newest WAL position and commit, or null when it was not asked
     */
    public static RecoveryPointObjective measure(RestorableEnd end, ClusterCommits cluster, WalSegmentSize segmentSize, Instant now) {
        return measure(end, cluster, segmentSize, now, "the cluster was not asked (give --pgdata and a connection)");
    }

    /**
     * As {@link #measure(RestorableEnd, ClusterCommits, WalSegmentSize, Instant)}.
     *
     * @param notAsked why {@code cluster} is null, for the basis
     */
    public static RecoveryPointObjective measure(RestorableEnd end, ClusterCommits cluster, WalSegmentSize segmentSize, Instant now,
                                                 String notAsked) {
        Instant restorable = end == null ? null : end.newestCommit();
        Long age = restorable == null ? null : Math.max(0, Duration.between(restorable, now).toSeconds());
        if (end == null) {
            return new RecoveryPointObjective(null, null, null, "the repository holds no WAL");
        }
        if (cluster == null) {
            return new RecoveryPointObjective(null, restorable, age, notAsked);
        }
        if (!recordStart(cluster.walPosition(), segmentSize).isAfter(end.lsn())) {
            return new RecoveryPointObjective(0.0, restorable, age, "the repository holds all the cluster's WAL (up to " + end.lsn() + ")");
        }
        if (cluster.lastCommit() != null) {
            if (restorable == null) {
                return new RecoveryPointObjective(null, null, null, "no commit in the restorable WAL is known");
            }
            double behind = Math.max(0, Duration.between(restorable, cluster.lastCommit()).toNanos() / 1e9);
            return new RecoveryPointObjective(behind, restorable, age, behind == 0
                    ? "the newest commit (" + cluster.lastCommit() + ") is restorable"
                    : "the cluster's newest commit (" + cluster.lastCommit() + ") is not restorable; the newest restorable is " + restorable);
        }
        // Without track_commit_timestamp the cluster cannot say when it last committed: assume the
        // WAL past the repository's end holds a commit, and count from the newest restorable one.
        if (restorable == null) {
            return new RecoveryPointObjective(null, null, null, "the cluster's WAL goes on past " + end.lsn() + " and no restorable commit is known");
        }
        return new RecoveryPointObjective((double) age, restorable, age, "the cluster's WAL goes on past the repository's end ("
                + end.lsn() + " < " + cluster.walPosition() + "); counted from the newest restorable commit (set track_commit_timestamp = on"
                + " for an exact value)");
    }

    /**
     * Where the next record will start, as the end of the previous one: PostgreSQL reports the insert
     * position past a page header when it stands at the start of a page, while a record's end is
     * reported before it.
     */
    static Lsn recordStart(Lsn position, WalSegmentSize segmentSize) {
        if (position.segmentOffset(segmentSize) == LONG_PAGE_HEADER) {
            return position.minus(LONG_PAGE_HEADER);
        }
        if (position.value() % WAL_BLOCK == SHORT_PAGE_HEADER) {
            return position.minus(SHORT_PAGE_HEADER);
        }
        return position;
    }
}
