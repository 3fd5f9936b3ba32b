package dev.lifeboat.core.wal;

/** Why a {@link WalRecordScanner} stopped reading a segment. */
public enum WalScanEnd {
    /** The end of the WAL written so far: a zero record length or a page never written in this segment. */
    END_OF_WAL,
    /** A WAL switch record ({@code pg_switch_wal()}, {@code archive_timeout}): the rest of the segment is unused. */
    WAL_SWITCH,
    /** The last record, or one begun in an earlier segment, runs on into the next segment. */
    CONTINUES_IN_NEXT_SEGMENT,
    /** The last record ended exactly at the end of the segment. */
    END_OF_SEGMENT,
    /** A record or page header that does not hold together (bad length, checksum or link). */
    INVALID_RECORD,
    /** The input ended before the segment did. */
    TRUNCATED
}
