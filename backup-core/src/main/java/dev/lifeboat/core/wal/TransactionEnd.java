package dev.lifeboat.core.wal;

import java.time.Instant;

/**
 * A commit or abort record's payload as far as recovery targets care: when, which transaction,
 * and whether it committed. Decoded from {@code xl_xact_commit}/{@code xl_xact_abort} and the
 * optional parts that {@code xinfo} announces.
 *
 * @param xid the transaction id, or -1 when it could not be read
 */
record TransactionEnd(boolean committed, Instant time, long xid) {

    static final int XLOG_XACT_COMMIT = 0x00;
    static final int XLOG_XACT_ABORT = 0x20;
    static final int XLOG_XACT_COMMIT_PREPARED = 0x30;
    static final int XLOG_XACT_ABORT_PREPARED = 0x40;
    static final int XLOG_XACT_OPMASK = 0x70;
    private static final int XLOG_XACT_HAS_INFO = 0x80;

    private static final int XINFO_HAS_DBINFO = 1;
    private static final int XINFO_HAS_SUBXACTS = 1 << 1;
    private static final int XINFO_HAS_RELFILELOCATORS = 1 << 2;
    private static final int XINFO_HAS_INVALS = 1 << 3;
    private static final int XINFO_HAS_TWOPHASE = 1 << 4;
    private static final int XINFO_HAS_DROPPED_STATS = 1 << 8;

    private static final int SHARED_INVALIDATION_MESSAGE_SIZE = 16;
    private static final int REL_FILE_LOCATOR_SIZE = 12;

    /** Seconds from the Unix epoch to PostgreSQL's, 2000-01-01 00:00 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    /** True for the record kinds that end a transaction: (abort|commit)[_prepared]. */
    static boolean isTransactionEnd(int xlInfo) {
        int op = xlInfo & XLOG_XACT_OPMASK;
        return op == XLOG_XACT_COMMIT || op == XLOG_XACT_ABORT
                || op == XLOG_XACT_COMMIT_PREPARED || op == XLOG_XACT_ABORT_PREPARED;
    }

    /** Decodes the main data of a transaction-end record; null if it is too short to hold a time. */
    static TransactionEnd decode(int xlInfo, long headerXid, byte[] data, int offset, long length, WalPageMagic magic) {
        if (length < 8) {
            return null;
        }
        int op = xlInfo & XLOG_XACT_OPMASK;
        boolean committed = op == XLOG_XACT_COMMIT || op == XLOG_XACT_COMMIT_PREPARED;
        boolean prepared = op == XLOG_XACT_COMMIT_PREPARED || op == XLOG_XACT_ABORT_PREPARED;
        Instant time = postgresTimestamp(LittleEndian.i64(data, offset));
        // A prepared transaction is finished by a different session: the header's xid is that
        // session's (usually none); the prepared one is in the two-phase part.
        long xid = prepared ? twoPhaseXid(xlInfo, data, offset, length, magic) : headerXid;
        return new TransactionEnd(committed, time, xid == 0 ? -1 : xid);
    }

    /** TimestampTz: microseconds since 2000-01-01 UTC. */
    static Instant postgresTimestamp(long micros) {
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /** Walks the optional parts in the order ParseCommitRecord reads them, up to xl_xact_twophase. */
    private static long twoPhaseXid(int xlInfo, byte[] data, int offset, long length, WalPageMagic magic) {
        long end = offset + length;
        long at = offset + 8;
        if ((xlInfo & XLOG_XACT_HAS_INFO) == 0 || at + 4 > end) {
            return -1;
        }
        int xinfo = LittleEndian.i32(data, (int) at);
        at += 4;
        if ((xinfo & XINFO_HAS_TWOPHASE) == 0) {
            return -1;
        }
        if ((xinfo & XINFO_HAS_DBINFO) != 0) {
            at += 8;
        }
        int[] arrays = {XINFO_HAS_SUBXACTS, XINFO_HAS_RELFILELOCATORS, XINFO_HAS_DROPPED_STATS, XINFO_HAS_INVALS};
        int[] itemSizes = {4, REL_FILE_LOCATOR_SIZE, magic.droppedStatsItemSize(), SHARED_INVALIDATION_MESSAGE_SIZE};
        for (int i = 0; i < arrays.length; i++) {
            if ((xinfo & arrays[i]) != 0) {
                if (at + 4 > end) {
                    return -1;
                }
                int count = LittleEndian.i32(data, (int) at);
                if (count < 0) {
                    return -1;
                }
                at += 4 + (long) count * itemSizes[i];
            }
        }
        if (at + 4 > end) {
            return -1;
        }
        return LittleEndian.u32(data, (int) at);
    }
}
