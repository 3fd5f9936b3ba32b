package dev.lifeboat.core.wal;

/**
 * The name of one WAL segment, {@code TTTTTTTTLLLLLLLLSSSSSSSS}: timeline, then the segment
 * number split into a "log" part and a segment-in-log part whose range depends on the segment
 * size. A {@linkplain #partial() partial} segment carries the {@code .partial} suffix.
 *
 * @param segmentNumber PostgreSQL's {@code XLogSegNo}: the segment's start LSN divided by the size
 */
public record WalSegmentName(long timeline, long segmentNumber, WalSegmentSize segmentSize, boolean partial)
        implements WalFileName {

    static final String PARTIAL_SUFFIX = ".partial";

    public WalSegmentName {
        WalNameSyntax.checkTimeline(timeline);
        if (segmentSize == null) {
            throw new IllegalArgumentException("segment size is missing (null)");
        }
        if (segmentNumber < 0 || segmentNumber > segmentSize.maxSegmentNumber()) {
            throw new IllegalArgumentException("segment number " + segmentNumber
                    + " is outside the WAL address space for " + segmentSize + " segments");
        }
    }

    /** A complete (not partial) segment. */
    public static WalSegmentName of(long timeline, long segmentNumber, WalSegmentSize segmentSize) {
        return new WalSegmentName(timeline, segmentNumber, segmentSize, false);
    }

    /**
     * True for the name of a segment or partial segment, among names that are already known
     * to be WAL file names (the others are history and backup history files).
     */
    public static boolean isSegmentFileName(String walFileName) {
        return walFileName.length() == WalNameSyntax.SEGMENT_NAME_LENGTH || walFileName.endsWith(PARTIAL_SUFFIX);
    }

    /** Parses a segment or partial segment name for 16 MiB segments. */
    public static WalSegmentName parse(String name) {
        return parse(name, WalSegmentSize.DEFAULT);
    }

    /**
     * Parses a segment or partial segment name.
     *
     * @throws IllegalArgumentException naming the input if it is not one, including a
     *     segment-in-log part too large for {@code segmentSize}
     */
    public static WalSegmentName parse(String name, WalSegmentSize segmentSize) {
        int length = WalNameSyntax.SEGMENT_NAME_LENGTH;
        boolean partial = name != null && name.length() == length + PARTIAL_SUFFIX.length()
                && name.endsWith(PARTIAL_SUFFIX);
        if (name == null || !(partial || name.length() == length) || !WalNameSyntax.isUpperHex(name, 0, length)) {
            throw new IllegalArgumentException("not a WAL segment name: '" + name
                    + "' (expected 24 uppercase hex digits, optionally followed by .partial)");
        }
        long timeline = WalNameSyntax.hex8(name, 0);
        long logId = WalNameSyntax.hex8(name, 8);
        long segmentInLog = WalNameSyntax.hex8(name, 16);
        if (segmentInLog >= segmentSize.segmentsPerLogId()) {
            throw new IllegalArgumentException("not a WAL segment name for " + segmentSize + " segments: '"
                    + name + "' (the last 8 digits must stay below "
                    + WalNameSyntax.hex8(segmentSize.segmentsPerLogId()) + ")");
        }
        try {
            return new WalSegmentName(timeline, logId * segmentSize.segmentsPerLogId() + segmentInLog,
                    segmentSize, partial);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a WAL segment name: '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The segment holding the byte at {@code lsn} ({@code XLByteToSeg}): where a record starting there is. */
    public static WalSegmentName containing(long timeline, Lsn lsn, WalSegmentSize segmentSize) {
        return of(timeline, lsn.segmentNumber(segmentSize), segmentSize);
    }

    /**
     * The segment holding the last byte before {@code lsn} ({@code XLByteToPrevSeg}): the one
     * that must be archived for WAL up to an end or stop LSN. An end LSN that falls exactly on a
     * segment boundary belongs to the previous segment, since no byte of the next one is needed.
     *
     * @throws IllegalArgumentException for {@link Lsn#INVALID}, before which there is no byte
     */
    public static WalSegmentName containingEndOf(long timeline, Lsn lsn, WalSegmentSize segmentSize) {
        if (!lsn.isValid()) {
            throw new IllegalArgumentException("no WAL ends at " + lsn);
        }
        return of(timeline, lsn.minus(1).segmentNumber(segmentSize), segmentSize);
    }

    @Override
    public WalFileKind kind() {
        return partial ? WalFileKind.PARTIAL : WalFileKind.SEGMENT;
    }

    /** The "log" part, the middle 8 hex digits. */
    public long logId() {
        return segmentNumber / segmentSize.segmentsPerLogId();
    }

    /** The segment-in-log part, the last 8 hex digits. */
    public long segmentInLog() {
        return segmentNumber % segmentSize.segmentsPerLogId();
    }

    /**
     * The first 16 characters, timeline and log id: shared by the segments of one 4 GiB stretch
     * of one timeline, which is why archives group segments under it.
     */
    public String timelineAndLogId() {
        return timelineHex() + WalNameSyntax.hex8(logId());
    }

    @Override
    public String fileName() {
        return timelineAndLogId() + WalNameSyntax.hex8(segmentInLog()) + (partial ? PARTIAL_SUFFIX : "");
    }

    /** The LSN of the segment's first byte. */
    public Lsn startLsn() {
        return Lsn.ofSegmentStart(segmentNumber, segmentSize);
    }

    /**
     * The LSN just past the segment's last byte: the next segment's start.
     *
     * @throws ArithmeticException for the last segment of the address space, whose end is 2^64
     */
    public Lsn endLsn() {
        return startLsn().plus(segmentSize.bytes());
    }

    /** True if the byte at {@code lsn} lies in this segment. */
    public boolean contains(Lsn lsn) {
        return lsn.segmentNumber(segmentSize) == segmentNumber;
    }

    /**
     * The following segment on the same timeline (complete, even if this one is partial).
     *
     * @throws IllegalStateException after the last segment of the address space
     */
    public WalSegmentName next() {
        if (segmentNumber == segmentSize.maxSegmentNumber()) {
            throw new IllegalStateException(fileName() + " is the last segment of the WAL address space");
        }
        return of(timeline, segmentNumber + 1, segmentSize);
    }

    /**
     * The preceding segment on the same timeline (complete, even if this one is partial).
     *
     * @throws IllegalStateException before segment 0
     */
    public WalSegmentName previous() {
        if (segmentNumber == 0) {
            throw new IllegalStateException(fileName() + " is the first segment of the WAL address space");
        }
        return of(timeline, segmentNumber - 1, segmentSize);
    }

    /** This segment with the {@code .partial} suffix. */
    public WalSegmentName asPartial() {
        return new WalSegmentName(timeline, segmentNumber, segmentSize, true);
    }

    /** This segment without the {@code .partial} suffix. */
    public WalSegmentName asComplete() {
        return new WalSegmentName(timeline, segmentNumber, segmentSize, false);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
