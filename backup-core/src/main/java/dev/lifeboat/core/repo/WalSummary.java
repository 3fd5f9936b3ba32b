package dev.lifeboat.core.repo;

import java.time.Instant;
import java.util.List;

/**
 * What a WAL segment holds that a restore wants to know before it starts: the span of
 * transaction end times and the named restore points. Stored in front of the segment's
 * object (see {@link WalArchive}) and advisory: a record that crosses into the next segment
 * may be missing, so an absent summary or fact means "unknown", never "no".
 *
 * @param endLsn where the last complete record in the segment ends
 */
public record WalSummary(
        Instant firstTransactionTime,
        Instant lastTransactionTime,
        long commits,
        Long minCommittedXid,
        Long maxCommittedXid,
        List<RestorePoint> restorePoints,
        String endLsn) {

    public record RestorePoint(String name, String lsn, Instant time) {
    }
}
