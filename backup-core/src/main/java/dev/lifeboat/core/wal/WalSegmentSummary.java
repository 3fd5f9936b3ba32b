package dev.lifeboat.core.wal;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one WAL segment holds, as far as choosing a recovery target needs to know: when its
 * transactions ended, which transaction ids committed, and which restore points it names.
 *
 * <p>Advisory: only records that start and end inside the segment are seen. A record that
 * begins in this segment and ends in the next one is in neither summary (its end time too), so
 * a caller asking "is there a commit after T" should look at the next segment as well.
 *
 * @param recordCount complete records that start in this segment
 * @param lastRecordEnd where the last complete record ends, MAXALIGNed as PostgreSQL reports record
 *     ends (the start of the next record); the segment's end after a WAL switch;
 *     {@link Lsn#INVALID} when no record completes here
 * @param firstTransactionEnd the first commit or abort time in the segment (in WAL order)
 * @param lastTransactionEnd the last commit or abort time in the segment (in WAL order)
 * @param latestTransactionEnd the greatest commit or abort time in the segment (times are taken just
 *     before the record is written, so WAL order and time order can differ by a little)
 * @param commitCount commit records, including {@code COMMIT PREPARED}
 * @param abortCount abort records, including {@code ROLLBACK PREPARED}
 * @param minCommittedXid the smallest transaction id among the commits, by value (xids wrap around
 *     after 2^32, so across a wraparound this is not the oldest)
 * @param maxCommittedXid the largest transaction id among the commits, by value
 * @param commitsWithUnknownXid commits whose transaction id could not be read: a {@code COMMIT PREPARED}
 *     whose two-phase details did not decode, or a commit record with no xid
 * @param undecodedRecords transaction or restore point records whose contents could not be decoded
 * @param end why the scan stopped
 * @param endDetail one line saying where and why it stopped
 */
public record WalSegmentSummary(
        WalSegmentHeader header,
        long recordCount,
        Lsn lastRecordEnd,
        Optional<Instant> firstTransactionEnd,
        Optional<Instant> lastTransactionEnd,
        Optional<Instant> latestTransactionEnd,
        int commitCount,
        int abortCount,
        OptionalLong minCommittedXid,
        OptionalLong maxCommittedXid,
        int commitsWithUnknownXid,
        int undecodedRecords,
        List<RestorePoint> restorePoints,
        WalScanEnd end,
        String endDetail) {

    public WalSegmentSummary {
        restorePoints = List.copyOf(restorePoints);
    }

    /** The restore point of that name in this segment, if any (the first, should a name repeat). */
    public Optional<RestorePoint> restorePoint(String name) {
        return restorePoints.stream().filter(point -> point.name().equals(name)).findFirst();
    }

    /** True if a transaction ended (committed or aborted) in this segment strictly after {@code time}. */
    public boolean hasTransactionEndAfter(Instant time) {
        return latestTransactionEnd.map(latest -> latest.isAfter(time)).orElse(false);
    }
}
