package dev.lifeboat.core.wal;

/**
 * A position in PostgreSQL's write-ahead log (an {@code XLogRecPtr}): an unsigned 64-bit byte
 * offset into the WAL stream, written {@code "X/Y"} with both halves in hexadecimal.
 *
 * <p>Comparison and arithmetic are unsigned, like PostgreSQL's, so an LSN above {@code 8000000/0}
 * still sorts after smaller ones.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /** {@code 0/0}: PostgreSQL's {@code InvalidXLogRecPtr}, never the position of real WAL. */
    public static final Lsn INVALID = new Lsn(0);

    private static final int MAX_HALF_DIGITS = 8;

    /**
     * Reads PostgreSQL's notation: two groups of 1 to 8 hexadecimal digits (either case)
     * separated by a slash, as {@code pg_lsn} accepts it.
     *
     * @throws IllegalArgumentException naming the input when it is not of that form
     */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN is missing (null)");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || text.indexOf('/', slash + 1) >= 0) {
            throw invalid(text);
        }
        long high = parseHalf(text, 0, slash);
        long low = parseHalf(text, slash + 1, text.length());
        return new Lsn(high << 32 | low);
    }

    private static long parseHalf(String text, int from, int to) {
        int length = to - from;
        if (length < 1 || length > MAX_HALF_DIGITS) {
            throw invalid(text);
        }
        long half = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text.charAt(i), 16);
            // Character.digit also accepts non-ASCII digits; PostgreSQL does not.
            if (digit < 0 || text.charAt(i) > 'f') {
                throw invalid(text);
            }
            half = half << 4 | digit;
        }
        return half;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "not an LSN: '" + text + "' (expected PostgreSQL's X/Y form, e.g. 0/3000060)");
    }

    /** The LSN of the byte at {@code segmentNumber * segmentSize}: where that segment starts. */
    public static Lsn ofSegmentStart(long segmentNumber, WalSegmentSize segmentSize) {
        if (segmentNumber < 0 || segmentNumber > segmentSize.maxSegmentNumber()) {
            throw new IllegalArgumentException("segment number " + segmentNumber
                    + " is outside the WAL address space for " + segmentSize);
        }
        return new Lsn(segmentNumber * segmentSize.bytes());
    }

    public boolean isValid() {
        return value != 0;
    }

    /** The higher 32 bits, the "X" of "X/Y". */
    public long high() {
        return value >>> 32;
    }

    /** The lower 32 bits, the "Y" of "X/Y". */
    public long low() {
        return value & 0xFFFF_FFFFL;
    }

    /**
     * This LSN moved forward by {@code bytes} (backward when negative).
     *
     * @throws ArithmeticException if the result leaves the unsigned 64-bit range
     */
    public Lsn plus(long bytes) {
        long result = value + bytes;
        boolean wrapped = bytes >= 0
                ? Long.compareUnsigned(result, value) < 0
                : Long.compareUnsigned(result, value) > 0;
        if (wrapped) {
            throw new ArithmeticException(this + " + " + bytes + " leaves the WAL address space");
        }
        return new Lsn(result);
    }

    /** This LSN moved backward by {@code bytes}. */
    public Lsn minus(long bytes) {
        if (bytes == Long.MIN_VALUE) {
            throw new ArithmeticException(this + " - " + bytes + " leaves the WAL address space");
        }
        return plus(-bytes);
    }

    /**
     * The number of WAL bytes from {@code earlier} to this LSN, as PostgreSQL's
     * {@code pg_wal_lsn_diff} computes it (negative when {@code earlier} is later).
     *
     * @throws ArithmeticException if the distance does not fit a signed 64-bit number
     */
    public long bytesSince(Lsn earlier) {
        long difference = value - earlier.value;
        boolean forward = Long.compareUnsigned(value, earlier.value) >= 0;
        if (forward != (difference >= 0) && difference != 0) {
            throw new ArithmeticException("distance from " + earlier + " to " + this + " overflows");
        }
        return difference;
    }

    /** The number of the segment holding the byte at this LSN ({@code XLByteToSeg}). */
    public long segmentNumber(WalSegmentSize segmentSize) {
        return Long.divideUnsigned(value, segmentSize.bytes());
    }

    /** This LSN's offset inside its segment ({@code XLogSegmentOffset}). */
    public int segmentOffset(WalSegmentSize segmentSize) {
        return (int) (value & (segmentSize.bytes() - 1));
    }

    public boolean isBefore(Lsn other) {
        return compareTo(other) < 0;
    }

    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    /** PostgreSQL's notation, uppercase and unpadded as PostgreSQL 13 to 18 print it: {@code 0/3000060}. */
    @Override
    public String toString() {
        return Long.toHexString(high()).toUpperCase() + "/" + Long.toHexString(low()).toUpperCase();
    }
}
