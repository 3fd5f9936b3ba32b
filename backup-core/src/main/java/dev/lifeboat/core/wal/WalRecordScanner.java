package dev.lifeboat.core.wal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * Walks the records of one WAL segment and summarises its transaction ends and restore points
 * (see {@link WalSegmentSummary}), reading the segment once, front to back.
 *
 * <p>It follows PostgreSQL's reader ({@code xlogreader.c}): page headers are skipped and
 * checked ({@code xlp_magic}, {@code xlp_pageaddr}, continuation flags and lengths), records are
 * MAXALIGNed and may span pages (their header too), and each record must link back to the one
 * before it. The CRC-32C is verified on the records the summary is built from (transaction ends,
 * restore points, WAL switches): a CRC over every record would cost an eighth of the scan, to
 * guard records whose only use here is their length, which the links already check. The first
 * record that does not hold together ends the scan, as it ends PostgreSQL's recovery; that is
 * reported in the summary, not thrown. Only bytes that are not a WAL segment at all (no valid
 * long page header, or one for another position) raise {@link WalFormatException}.
 *
 * <p>Memory stays at one page plus, for the few record kinds decoded, that record. A segment
 * already in memory is walked where it lies, without copying its pages.
 */
public final class WalRecordScanner {

    private static final int RECORD_HEADER_LENGTH = 24;
    private static final int CRC_OFFSET = 20;
    private static final int MAXALIGN = 8;

    private static final int RM_XLOG_ID = 0;
    private static final int RM_XACT_ID = 1;
    private static final int RM_MAX_BUILTIN_ID = 21;
    private static final int RM_MIN_CUSTOM_ID = 128;
    private static final int XLR_RMGR_INFO_MASK = 0xF0;
    private static final int XLOG_SWITCH = 0x40;
    private static final int XLOG_RESTORE_POINT = 0x70;
    private static final int RESTORE_POINT_NAME_LENGTH = 64;

    /** Larger transaction records are counted but not decoded, to keep memory bounded. */
    private static final int MAX_DECODED_RECORD_LENGTH = 64 << 20;

    /** Where pages come from: a stream read page by page into {@code page}, or else the segment in {@code page} itself. */
    private final InputStream in;
    /** With no stream, how many bytes of the in-memory segment are valid. */
    private final int segmentFill;
    private final WalSegmentHeader header;
    private final WalPageMagic magic;
    private final int blockSize;
    private final long segmentBytes;
    private final long segmentStart;
    private final byte[] page;
    /** Where the current page starts in {@code page}: 0 for a stream, else its offset in the segment. */
    private int pageBase;
    private final byte[] recordHeader = new byte[RECORD_HEADER_LENGTH];
    private final CRC32C crc = new CRC32C();
    private byte[] body = new byte[8192];
    private int bodyLength;
    private boolean bufferBody;

    /** Offset of the current page in the segment; its valid bytes; the read position in it. */
    private long pageOffset;
    private int pageFill;
    private int pos;
    private int pageInfo;
    private long pageRemainingLength;

    /** The record being read: its total length and how many of its bytes were consumed. */
    private long recordLength;
    private long recordConsumed;
    private String failure;

    private long recordCount;
    private long lastRecordStart = -1;
    private long lastRecordEnd;
    private Instant firstTransactionEnd;
    private Instant lastTransactionEnd;
    private Instant latestTransactionEnd;
    private int commitCount;
    private int abortCount;
    private long minCommittedXid = Long.MAX_VALUE;
    private long maxCommittedXid = -1;
    private int commitsWithUnknownXid;
    private int undecodedRecords;
    private final List<RestorePoint> restorePoints = new ArrayList<>();

    private WalRecordScanner(InputStream in, int segmentFill, WalSegmentHeader header, byte[] firstPage, int firstPageFill) {
        this.in = in;
        this.segmentFill = segmentFill;
        this.header = header;
        this.magic = header.magic();
        this.blockSize = header.blockSize();
        this.segmentBytes = header.segmentSize().bytes();
        this.segmentStart = header.pageAddress().value();
        this.page = firstPage;
        this.pageFill = firstPageFill;
        this.pageInfo = header.info();
        this.pageRemainingLength = header.remainingLength();
        this.pos = WalSegmentHeader.LENGTH;
    }

    /**
     * Scans one segment read from {@code in} (uncompressed, from its first byte; at most one
     * segment's worth is read). The stream is not closed.
     *
     * @param segmentStart the LSN the segment's name says it starts at; the segment's own header
     *     must agree, so a misnamed file is caught here
     * @throws WalFormatException if the bytes do not start a WAL segment, or one for another LSN
     * @throws IOException if reading fails
     */
    public static WalSegmentSummary scan(InputStream in, Lsn segmentStart) throws IOException {
        byte[] start = in.readNBytes(WalSegmentHeader.LENGTH);
        WalSegmentHeader header = checkedHeader(start, start.length, segmentStart);
        byte[] firstPage = Arrays.copyOf(start, header.blockSize());
        int fill = start.length + in.readNBytes(firstPage, start.length, header.blockSize() - start.length);
        return new WalRecordScanner(in, 0, header, firstPage, fill).scanRecords();
    }

    /**
     * Scans the first {@code length} bytes of {@code segment}, a segment held in memory, as
     * {@link #scan(InputStream, Lsn)} scans a stream; the array is only read.
     */
    public static WalSegmentSummary scan(byte[] segment, int length, Lsn segmentStart) {
        Objects.checkFromIndexSize(0, length, segment.length);
        WalSegmentHeader header = checkedHeader(segment, Math.min(length, WalSegmentHeader.LENGTH), segmentStart);
        try {
            return new WalRecordScanner(null, length, header, segment, Math.min(length, header.blockSize())).scanRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // nothing is read from a stream
        }
    }

    private static WalSegmentHeader checkedHeader(byte[] start, int available, Lsn segmentStart) {
        WalSegmentHeader header = WalSegmentHeader.parse(start, available);
        if (!header.pageAddress().equals(segmentStart)) {
            throw new WalFormatException("the segment's header says it holds WAL from " + header.pageAddress()
                    + ", not from " + segmentStart + " where it was expected (a misnamed file?)");
        }
        if (header.pageAddress().segmentOffset(header.segmentSize()) != 0) {
            throw new WalFormatException("the segment's header gives a start of " + header.pageAddress()
                    + ", which is not on a " + header.segmentSize() + " segment boundary");
        }
        return header;
    }

    private WalSegmentSummary scanRecords() throws IOException {
        if ((pageInfo & WalSegmentHeader.FIRST_IS_CONTRECORD) != 0) {
            WalSegmentSummary ended = skipContinuation();
            if (ended != null) {
                return ended;
            }
        }
        while (true) {
            pos = align(pos);
            if (pos >= pageFill) {
                if (pageFill < blockSize) {
                    return finish(WalScanEnd.TRUNCATED, "input ends inside the page at " + lsn(pageFill));
                }
                PageLoad load = nextPage();
                if (load != PageLoad.LOADED) {
                    return switch (load) {
                        case END_OF_SEGMENT -> finish(WalScanEnd.END_OF_SEGMENT, "the last record ends at the segment's end");
                        case END_OF_INPUT -> finish(WalScanEnd.TRUNCATED, "input ends at " + lsn(0));
                        default -> finish(WalScanEnd.END_OF_WAL, "no WAL written from " + lsn(0) + ": " + failure);
                    };
                }
                if ((pageInfo & WalSegmentHeader.FIRST_IS_CONTRECORD) != 0) {
                    return finish(WalScanEnd.INVALID_RECORD, "the page at " + lsn(0)
                            + " continues a record, but the previous record ended before it");
                }
                continue;
            }
            long recordStart = pageOffset + pos;
            if (pageFill - pos < 4) {
                return finish(WalScanEnd.TRUNCATED, "input ends inside the record at " + lsn(pos));
            }
            recordLength = LittleEndian.u32(page, pageBase + pos);
            if (recordLength == 0) {
                return finish(WalScanEnd.END_OF_WAL, "no record at " + lsn(pos) + " (zero length)");
            }
            if (recordLength < RECORD_HEADER_LENGTH) {
                return finish(WalScanEnd.INVALID_RECORD, "record at " + lsn(pos) + " has an impossible length of "
                        + recordLength + " bytes");
            }
            recordConsumed = 0;
            Consumed got = consumeHeader();
            if (got != Consumed.ALL) {
                WalSegmentSummary ended = endInsideRecord(got, recordStart);
                if (ended == null) {
                    continue;
                }
                return ended;
            }
            long xid = LittleEndian.u32(recordHeader, 4);
            long previous = LittleEndian.i64(recordHeader, 8);
            int info = LittleEndian.u8(recordHeader, 16);
            int rmgr = LittleEndian.u8(recordHeader, 17);
            if (rmgr > RM_MAX_BUILTIN_ID && rmgr < RM_MIN_CUSTOM_ID) {
                return finish(WalScanEnd.INVALID_RECORD, "record at " + absolute(recordStart)
                        + " names no resource manager (" + rmgr + ")");
            }
            boolean linked = lastRecordStart >= 0
                    ? previous == segmentStart + lastRecordStart
                    : Long.compareUnsigned(previous, segmentStart + recordStart) < 0;
            if (!linked) {
                return finish(WalScanEnd.INVALID_RECORD, "record at " + absolute(recordStart)
                        + " has a wrong link to its predecessor (" + new Lsn(previous) + ")");
            }
            boolean decoded = isDecoded(rmgr, info);
            boolean walSwitch = rmgr == RM_XLOG_ID && (info & XLR_RMGR_INFO_MASK) == XLOG_SWITCH;
            // Only what the summary is built from is kept, and CRC-checked.
            bufferBody = (decoded || walSwitch) && recordLength - RECORD_HEADER_LENGTH <= MAX_DECODED_RECORD_LENGTH;
            bodyLength = 0;
            got = consumeBody(recordLength - RECORD_HEADER_LENGTH);
            if (got != Consumed.ALL) {
                WalSegmentSummary ended = endInsideRecord(got, recordStart);
                if (ended == null) {
                    continue;
                }
                return ended;
            }
            if (bufferBody && !crcMatches()) {
                return finish(WalScanEnd.INVALID_RECORD, "record at " + absolute(recordStart)
                        + " fails its CRC check");
            }
            recordCount++;
            lastRecordStart = recordStart;
            lastRecordEnd = pageOffset + align(pos);
            if (decoded) {
                if (bufferBody) {
                    decode(rmgr, info, xid, recordStart);
                } else {
                    undecodedRecords++;
                }
            }
            if (walSwitch) {
                lastRecordEnd = segmentBytes;
                return finish(WalScanEnd.WAL_SWITCH, "WAL switch at " + absolute(recordStart));
            }
        }
    }

    /** PostgreSQL's record CRC: over the body first, then the header up to the CRC field. */
    private boolean crcMatches() {
        crc.reset();
        crc.update(body, 0, bodyLength);
        crc.update(recordHeader, 0, CRC_OFFSET);
        return (int) crc.getValue() == LittleEndian.i32(recordHeader, CRC_OFFSET);
    }

    /** Skips the tail of a record begun in an earlier segment; returns a summary if that ends the scan. */
    private WalSegmentSummary skipContinuation() throws IOException {
        long remaining = pageRemainingLength;
        while (true) {
            int step = (int) Math.min(remaining, pageFill - pos);
            pos += step;
            remaining -= step;
            if (remaining == 0) {
                return null;
            }
            if (pageFill < blockSize) {
                return finish(WalScanEnd.TRUNCATED, "input ends inside the record continued from the previous segment");
            }
            PageLoad load = nextPage();
            switch (load) {
                case LOADED -> {
                    if ((pageInfo & WalSegmentHeader.FIRST_IS_CONTRECORD) == 0 || pageRemainingLength != remaining) {
                        return finish(WalScanEnd.INVALID_RECORD, "the page at " + lsn(0)
                                + " does not continue the record begun in the previous segment");
                    }
                }
                case END_OF_SEGMENT -> {
                    return finish(WalScanEnd.CONTINUES_IN_NEXT_SEGMENT,
                            "a record begun in an earlier segment fills this whole segment");
                }
                case END_OF_INPUT -> {
                    return finish(WalScanEnd.TRUNCATED, "input ends inside the record continued from the previous segment");
                }
                default -> {
                    return finish(WalScanEnd.INVALID_RECORD, "the record continued from the previous segment breaks off: "
                            + failure);
                }
            }
        }
    }

    private enum Consumed { ALL, SEGMENT_ENDED, INPUT_ENDED, BROKEN, OVERWRITTEN }

    /** The record's header into {@code recordHeader}; most records' header lies within one page. */
    private Consumed consumeHeader() throws IOException {
        if (pageFill - pos < RECORD_HEADER_LENGTH) {
            return consume(RECORD_HEADER_LENGTH, recordHeader, false);
        }
        System.arraycopy(page, pageBase + pos, recordHeader, 0, RECORD_HEADER_LENGTH);
        pos += RECORD_HEADER_LENGTH;
        recordConsumed = RECORD_HEADER_LENGTH;
        return Consumed.ALL;
    }

    /** The record's body: stepped over when it is not kept and ends on this page, as most do. */
    private Consumed consumeBody(long count) throws IOException {
        if (bufferBody || count > pageFill - pos) {
            return consume(count, null, true);
        }
        pos += (int) count;
        recordConsumed += count;
        return Consumed.ALL;
    }

    /**
     * Consumes {@code count} bytes of the current record, crossing onto following pages as the
     * continuation headers allow; copies them to {@code target} or, with {@code body}, to the
     * body buffer when it is kept.
     */
    private Consumed consume(long count, byte[] target, boolean body) throws IOException {
        int targetAt = 0;
        while (count > 0) {
            if (pos >= pageFill) {
                if (pageFill < blockSize) {
                    return Consumed.INPUT_ENDED;
                }
                PageLoad load = nextPage();
                if (load == PageLoad.END_OF_SEGMENT) {
                    return Consumed.SEGMENT_ENDED;
                } else if (load == PageLoad.END_OF_INPUT) {
                    return Consumed.INPUT_ENDED;
                } else if (load == PageLoad.INVALID) {
                    return Consumed.BROKEN;
                }
                if ((pageInfo & WalSegmentHeader.FIRST_IS_OVERWRITE_CONTRECORD) != 0) {
                    return Consumed.OVERWRITTEN;
                }
                long expected = recordLength - recordConsumed;
                if ((pageInfo & WalSegmentHeader.FIRST_IS_CONTRECORD) == 0 || pageRemainingLength != expected) {
                    failure = "the page at " + lsn(0) + " does not continue it (" + pageRemainingLength
                            + " bytes announced, " + expected + " expected)";
                    return Consumed.BROKEN;
                }
            }
            int step = (int) Math.min(count, pageFill - pos);
            if (target != null) {
                System.arraycopy(page, pageBase + pos, target, targetAt, step);
                targetAt += step;
            }
            if (body && bufferBody) {
                appendToBody(step);
            }
            pos += step;
            count -= step;
            recordConsumed += step;
        }
        return Consumed.ALL;
    }

    /** Ends the scan for a record cut short, or returns null to go on after an overwritten one. */
    private WalSegmentSummary endInsideRecord(Consumed got, long recordStart) {
        return switch (got) {
            case SEGMENT_ENDED -> finish(WalScanEnd.CONTINUES_IN_NEXT_SEGMENT, "the record at " + absolute(recordStart)
                    + " continues in the next segment");
            case INPUT_ENDED -> finish(WalScanEnd.TRUNCATED, "input ends inside the record at " + absolute(recordStart));
            case OVERWRITTEN -> null; // PostgreSQL abandoned that record after a crash; the page's first record follows
            default -> finish(WalScanEnd.INVALID_RECORD, "the record at " + absolute(recordStart) + " breaks off: "
                    + failure);
        };
    }

    private enum PageLoad { LOADED, END_OF_SEGMENT, END_OF_INPUT, INVALID }

    /** Reads and checks the next page's header, leaving {@code pos} after it. */
    private PageLoad nextPage() throws IOException {
        if (pageOffset + blockSize >= segmentBytes) {
            return PageLoad.END_OF_SEGMENT;
        }
        pageOffset += blockSize;
        int fill;
        if (in != null) {
            fill = in.readNBytes(page, 0, blockSize);
        } else {
            pageBase = (int) pageOffset;
            fill = (int) Math.max(0, Math.min(blockSize, segmentFill - pageOffset));
        }
        pageFill = fill;
        pos = 0;
        if (fill < WalSegmentHeader.SHORT_LENGTH) {
            return PageLoad.END_OF_INPUT;
        }
        int pageMagic = LittleEndian.u16(page, pageBase);
        pageInfo = LittleEndian.u16(page, pageBase + 2);
        long pageAddress = LittleEndian.i64(page, pageBase + 8);
        pageRemainingLength = LittleEndian.u32(page, pageBase + 16);
        if (pageMagic != magic.magic()) {
            failure = String.format("page at %s has magic 0x%04X", lsn(0), pageMagic);
            return PageLoad.INVALID;
        }
        if (pageAddress != segmentStart + pageOffset) {
            failure = "page at " + lsn(0) + " says it is at " + new Lsn(pageAddress) + " (left from earlier use)";
            return PageLoad.INVALID;
        }
        if ((pageInfo & ~WalSegmentHeader.ALL_FLAGS) != 0) {
            failure = String.format("page at %s has unknown flags 0x%04X", lsn(0), pageInfo);
            return PageLoad.INVALID;
        }
        int headerLength = (pageInfo & WalSegmentHeader.LONG_HEADER) != 0
                ? WalSegmentHeader.LENGTH : WalSegmentHeader.SHORT_LENGTH;
        if (fill < headerLength) {
            return PageLoad.END_OF_INPUT;
        }
        pos = headerLength;
        return PageLoad.LOADED;
    }

    private static boolean isDecoded(int rmgr, int info) {
        return rmgr == RM_XACT_ID && TransactionEnd.isTransactionEnd(info)
                || rmgr == RM_XLOG_ID && (info & XLR_RMGR_INFO_MASK) == XLOG_RESTORE_POINT;
    }

    private void decode(int rmgr, int info, long xid, long recordStart) {
        long[] mainLength = new long[1];
        int main = RecordMainData.locate(body, bodyLength, magic, mainLength);
        if (main < 0) {
            undecodedRecords++;
            return;
        }
        if (rmgr == RM_XLOG_ID) {
            decodeRestorePoint(main, mainLength[0], recordStart);
            return;
        }
        TransactionEnd end = TransactionEnd.decode(info, xid, body, main, mainLength[0], magic);
        if (end == null) {
            undecodedRecords++;
            return;
        }
        if (firstTransactionEnd == null) {
            firstTransactionEnd = end.time();
        }
        lastTransactionEnd = end.time();
        if (latestTransactionEnd == null || end.time().isAfter(latestTransactionEnd)) {
            latestTransactionEnd = end.time();
        }
        if (!end.committed()) {
            abortCount++;
            return;
        }
        commitCount++;
        if (end.xid() < 0) {
            commitsWithUnknownXid++;
        } else {
            minCommittedXid = Math.min(minCommittedXid, end.xid());
            maxCommittedXid = Math.max(maxCommittedXid, end.xid());
        }
    }

    /** xl_restore_point: TimestampTz rp_time, then char rp_name[64], NUL-terminated. */
    private void decodeRestorePoint(int main, long length, long recordStart) {
        if (length < 8 + 1) {
            undecodedRecords++;
            return;
        }
        int nameEnd = main + 8;
        int limit = (int) Math.min(main + length, main + 8 + RESTORE_POINT_NAME_LENGTH);
        while (nameEnd < limit && body[nameEnd] != 0) {
            nameEnd++;
        }
        String name = new String(body, main + 8, nameEnd - (main + 8), StandardCharsets.UTF_8);
        Instant time = TransactionEnd.postgresTimestamp(LittleEndian.i64(body, main));
        restorePoints.add(new RestorePoint(name, time, absolute(recordStart)));
    }

    private void appendToBody(int step) {
        if (bodyLength + step > body.length) {
            body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + step));
        }
        System.arraycopy(page, pageBase + pos, body, bodyLength, step);
        bodyLength += step;
    }

    private WalSegmentSummary finish(WalScanEnd end, String detail) {
        return new WalSegmentSummary(header, recordCount,
                recordCount == 0 ? Lsn.INVALID : absolute(lastRecordEnd),
                Optional.ofNullable(firstTransactionEnd), Optional.ofNullable(lastTransactionEnd),
                Optional.ofNullable(latestTransactionEnd), commitCount, abortCount,
                maxCommittedXid < 0 ? OptionalLong.empty() : OptionalLong.of(minCommittedXid),
                maxCommittedXid < 0 ? OptionalLong.empty() : OptionalLong.of(maxCommittedXid),
                commitsWithUnknownXid, undecodedRecords, restorePoints, end, detail);
    }

    private static int align(int offset) {
        return (offset + MAXALIGN - 1) & -MAXALIGN;
    }

    /** The LSN of {@code offsetInPage} on the current page. */
    private Lsn lsn(int offsetInPage) {
        return absolute(pageOffset + offsetInPage);
    }

    private Lsn absolute(long offsetInSegment) {
        return new Lsn(segmentStart + offsetInSegment);
    }
}
