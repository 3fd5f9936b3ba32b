package dev.lifeboat.core.wal;

/**
 * A cluster's {@code wal_segment_size}: a power of two from 1 MiB to 1 GiB, fixed at initdb.
 * File names and segment numbers mean different LSNs under different sizes, so every name
 * computation takes one.
 */
public record WalSegmentSize(int bytes) {

    public static final int MIN_BYTES = 1 << 20;
    public static final int MAX_BYTES = 1 << 30;

    /** PostgreSQL's default, 16 MiB. */
    public static final WalSegmentSize DEFAULT = new WalSegmentSize(16 << 20);

    public WalSegmentSize {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("not a valid wal_segment_size: " + bytes
                    + " bytes (must be a power of two from 1 MiB to 1 GiB)");
        }
    }

    public static WalSegmentSize ofBytes(long bytes) {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("not a valid wal_segment_size: " + bytes
                    + " bytes (must be a power of two from 1 MiB to 1 GiB)");
        }
        return new WalSegmentSize((int) bytes);
    }

    public static WalSegmentSize ofMegabytes(int megabytes) {
        return ofBytes((long) megabytes << 20);
    }

    /**
     * How many segments share one "log" number, the middle 8 hex digits of a file name
     * ({@code XLogSegmentsPerXLogId}): 256 for 16 MiB segments.
     */
    public long segmentsPerLogId() {
        return (1L << 32) / bytes;
    }

    /** The last segment number whose bytes fit below LSN 2^64. */
    public long maxSegmentNumber() {
        return Long.divideUnsigned(-1L, bytes);
    }

    @Override
    public String toString() {
        return bytes % (1 << 30) == 0 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
