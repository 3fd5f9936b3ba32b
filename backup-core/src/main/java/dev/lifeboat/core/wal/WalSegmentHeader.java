package dev.lifeboat.core.wal;

import java.io.IOException;
import java.io.InputStream;

/**
 * The long page header at the start of every WAL segment ({@code XLogLongPageHeaderData}): which
 * PostgreSQL version and which cluster wrote the segment, for which position, and the sizes
 * the cluster was initialised with. wal-push uses it to refuse another cluster's WAL.
 *
 * @param timeline {@code xlp_tli}, the timeline of the first record on the page. The first segment
 *     of a new timeline begins as a copy of its parent's segment, so there this is the parent's
 *     timeline: the file name, not this, says which timeline a segment belongs to
 * @param pageAddress {@code xlp_pageaddr}, the LSN of the segment's first byte
 * @param remainingLength {@code xlp_rem_len}: bytes of a record begun in the previous segment
 * @param systemIdentifier the cluster's {@code pg_control} system identifier (an unsigned 64-bit number)
 */
public record WalSegmentHeader(
        WalPageMagic magic,
        int info,
        long timeline,
        Lsn pageAddress,
        long remainingLength,
        long systemIdentifier,
        WalSegmentSize segmentSize,
        int blockSize) {

    /** {@code SizeOfXLogLongPHD}: 36 bytes of fields, MAXALIGNed. */
    public static final int LENGTH = 40;
    /** {@code SizeOfXLogShortPHD}: the header of every other page. */
    static final int SHORT_LENGTH = 24;

    // xlp_info flags of PostgreSQL 13 to 18 (0x0004, XLP_BKP_REMOVABLE, matters to no reader).
    static final int FIRST_IS_CONTRECORD = 0x0001;
    static final int LONG_HEADER = 0x0002;
    static final int FIRST_IS_OVERWRITE_CONTRECORD = 0x0008;
    static final int ALL_FLAGS = 0x000F;

    /**
     * Reads the header from the first {@value #LENGTH} bytes of {@code segment}.
     *
     * @throws WalFormatException if they are not the start of a WAL segment
     */
    public static WalSegmentHeader parse(byte[] segment) {
        return parse(segment, segment.length);
    }

    /** Reads the header from the first {@value #LENGTH} bytes of a stream, consuming no more than those. */
    public static WalSegmentHeader read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(LENGTH);
        return parse(header, header.length);
    }

    static WalSegmentHeader parse(byte[] bytes, int available) {
        if (available < LENGTH) {
            throw new WalFormatException("not a WAL segment: " + available + " bytes, fewer than the "
                    + LENGTH + "-byte segment header");
        }
        WalPageMagic magic = WalPageMagic.of(LittleEndian.u16(bytes, 0));
        int info = LittleEndian.u16(bytes, 2);
        if ((info & ~ALL_FLAGS) != 0 || (info & LONG_HEADER) == 0) {
            throw new WalFormatException(String.format(
                    "not the start of a WAL segment: page info bits 0x%04X lack the long-header flag", info));
        }
        // XLogPageHeaderData pads to 24 bytes (its uint64 aligns it), so the long fields start there.
        long segmentBytes = LittleEndian.u32(bytes, 32);
        if (segmentBytes < WalSegmentSize.MIN_BYTES || segmentBytes > WalSegmentSize.MAX_BYTES
                || Long.bitCount(segmentBytes) != 1) {
            throw new WalFormatException("WAL segment header names an impossible segment size of "
                    + segmentBytes + " bytes");
        }
        long blockSize = LittleEndian.u32(bytes, 36);
        // XLOG_BLCKSZ is configure's --with-wal-blocksize: a power of two from 1 to 64 kB.
        if (blockSize < 1024 || blockSize > 65536 || Long.bitCount(blockSize) != 1) {
            throw new WalFormatException("WAL segment header names an impossible WAL block size of "
                    + blockSize + " bytes");
        }
        return new WalSegmentHeader(magic, info, LittleEndian.u32(bytes, 4), new Lsn(LittleEndian.i64(bytes, 8)),
                LittleEndian.u32(bytes, 16), LittleEndian.i64(bytes, 24), WalSegmentSize.ofBytes(segmentBytes),
                (int) blockSize);
    }

    /** The major version of the PostgreSQL that wrote the segment, e.g. 15. */
    public int postgresMajorVersion() {
        return magic.majorVersion();
    }

    /** The system identifier as PostgreSQL prints it (unsigned decimal). */
    public String systemIdentifierText() {
        return Long.toUnsignedString(systemIdentifier);
    }

    /** True if the segment begins with the tail of a record started in the previous segment. */
    public boolean startsWithContinuation() {
        return (info & FIRST_IS_CONTRECORD) != 0;
    }

    /**
     * The segment's name on the header's timeline (see {@link #timeline()}: for the first segment
     * of a new timeline, that is the parent's name for it).
     */
    public WalSegmentName segmentName() {
        return WalSegmentName.containing(timeline, pageAddress, segmentSize);
    }
}
