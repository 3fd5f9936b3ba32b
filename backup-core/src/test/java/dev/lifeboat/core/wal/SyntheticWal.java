package dev.lifeboat.core.wal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * Writes a WAL segment the way PostgreSQL lays one out (page headers, continuation flags,
 * MAXALIGNed records with CRCs), for edge cases that real WAL does not produce on demand.
 * Record contents are whatever the test gives; only the framing is PostgreSQL's.
 */
final class SyntheticWal {

    static final long SYSTEM_IDENTIFIER = 7_000_000_000_000_000_001L;
    private static final int LONG_HEADER = 40;
    private static final int SHORT_HEADER = 24;

    private final Lsn start;
    private final int blockSize;
    private final WalPageMagic magic;
    private final byte[] segment;
    private int at = LONG_HEADER;
    private long lastRecord;

    SyntheticWal(Lsn start, WalSegmentSize size, int blockSize, WalPageMagic magic) {
        this.start = start;
        this.blockSize = blockSize;
        this.magic = magic;
        this.segment = new byte[size.bytes()];
        this.lastRecord = start.value() - 0x100;
        ByteBuffer header = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(0, (short) magic.magic()).putShort(2, (short) WalSegmentHeader.LONG_HEADER)
                .putInt(4, 1).putLong(8, start.value()).putLong(24, SYSTEM_IDENTIFIER)
                .putInt(32, size.bytes()).putInt(36, blockSize);
    }

    static SyntheticWal segment(String startLsn) {
        return new SyntheticWal(Lsn.parse(startLsn), WalSegmentSize.DEFAULT, 8192, WalPageMagic.PG15);
    }

    /** Begins the segment with {@code length} bytes of a record started in the previous segment. */
    SyntheticWal continuation(long length) {
        if (at != LONG_HEADER) {
            throw new IllegalStateException("a continuation comes first");
        }
        setPageFlags(0, WalSegmentHeader.FIRST_IS_CONTRECORD, length);
        writeSpanning(new byte[(int) Math.min(length, segment.length)], length);
        at = align(at);
        return this;
    }

    /** A record whose body is given whole (fragment headers, block data, main data). */
    SyntheticWal record(int rmgr, int info, long xid, byte[] body) {
        at = align(at);
        if (at % blockSize == 0) {
            pageHeader(0, 0);
        }
        int length = 24 + body.length;
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(length).putInt((int) xid).putLong(lastRecord).put((byte) info).put((byte) rmgr).putShort((short) 0);
        CRC32C crc = new CRC32C();
        crc.update(body);
        crc.update(header.array(), 0, 20);
        header.putInt((int) crc.getValue());
        lastRecord = start.value() + at;
        byte[] whole = new byte[length];
        System.arraycopy(header.array(), 0, whole, 0, 24);
        System.arraycopy(body, 0, whole, 24, body.length);
        writeSpanning(whole, length);
        return this;
    }

    /** A record with only main data. */
    SyntheticWal mainDataRecord(int rmgr, int info, long xid, byte[] mainData) {
        return record(rmgr, info, xid, concat(mainDataHeader(mainData.length), mainData));
    }

    /** An XLOG no-op record of exactly {@code totalLength} bytes (at least 26). */
    SyntheticWal filler(int totalLength) {
        return mainDataRecord(0, 0x20, 0, new byte[totalLength - 24 - (totalLength - 24 - 2 < 256 ? 2 : 5)]);
    }

    /** Fills the current page with no-op records so the next record starts at {@code offsetInPage}. */
    SyntheticWal fillTo(int offsetInPage) {
        at = align(at);
        int gap = offsetInPage - at % blockSize;
        if (gap < 32 || gap % 8 != 0) {
            throw new IllegalArgumentException("cannot fill " + gap + " bytes");
        }
        return filler(gap);
    }

    SyntheticWal commit(long xid, Instant time) {
        return mainDataRecord(1, 0x00, xid, timestamp(time));
    }

    SyntheticWal restorePoint(String name, Instant time) {
        ByteBuffer data = ByteBuffer.allocate(72).order(ByteOrder.LITTLE_ENDIAN);
        data.put(timestamp(time)).put(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return mainDataRecord(0, 0x70, 0, data.array());
    }

    SyntheticWal walSwitch() {
        return record(0, 0x40, 0, new byte[0]);
    }

    /**
     * Replays what PostgreSQL does after a crash lost a record's continuation: the page at
     * {@code pageOffset} is rewritten with XLP_FIRST_IS_OVERWRITE_CONTRECORD and new records
     * follow, linked to {@code previousRecord} (the last record before the lost one).
     */
    SyntheticWal abandonRecordAt(int pageOffset, Lsn previousRecord) {
        java.util.Arrays.fill(segment, pageOffset, pageOffset + blockSize, (byte) 0);
        at = pageOffset;
        pageHeader(WalSegmentHeader.FIRST_IS_OVERWRITE_CONTRECORD, 0);
        lastRecord = previousRecord.value();
        return this;
    }

    /** Moves the write position to the start of the page at {@code pageOffset}, leaving the rest zero. */
    SyntheticWal skipTo(int pageOffset) {
        at = pageOffset;
        return this;
    }

    int position() {
        return at;
    }

    Lsn nextLsn() {
        return start.plus(align(at));
    }

    Lsn lastRecordLsn() {
        return new Lsn(lastRecord);
    }

    byte[] bytes() {
        return segment.clone();
    }

    static byte[] timestamp(Instant time) {
        long micros = (time.getEpochSecond() - 946_684_800L) * 1_000_000L + time.getNano() / 1000;
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(micros).array();
    }

    static byte[] mainDataHeader(int length) {
        return length < 256
                ? new byte[] {(byte) 255, (byte) length}
                : ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) 254).putInt(length).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] le(int... ints) {
        ByteBuffer buffer = ByteBuffer.allocate(ints.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : ints) {
            buffer.putInt(value);
        }
        return buffer.array();
    }

    /** Writes {@code data}, adding a continuation page header wherever a page boundary falls. */
    private void writeSpanning(byte[] data, long recordRemaining) {
        int written = 0;
        long remaining = recordRemaining;
        while (remaining > 0) {
            if (at % blockSize == 0) {
                if (at >= segment.length) {
                    return; // the rest belongs to the next segment
                }
                pageHeader(WalSegmentHeader.FIRST_IS_CONTRECORD, remaining);
            }
            int step = (int) Math.min(remaining, blockSize - at % blockSize);
            if (written < data.length) {
                System.arraycopy(data, written, segment, at, Math.min(step, data.length - written));
            }
            written += step;
            at += step;
            remaining -= step;
        }
    }

    private void pageHeader(int info, long remaining) {
        ByteBuffer header = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        header.putShort(at, (short) magic.magic()).putShort(at + 2, (short) info).putInt(at + 4, 1)
                .putLong(at + 8, start.value() + at).putInt(at + 16, (int) remaining);
        at += SHORT_HEADER;
    }

    private void setPageFlags(int pageOffset, int flags, long remaining) {
        ByteBuffer header = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
        int info = Short.toUnsignedInt(header.getShort(pageOffset + 2));
        header.putShort(pageOffset + 2, (short) (info | flags)).putInt(pageOffset + 16, (int) remaining);
        if (pageOffset != 0) {
            header.putShort(pageOffset, (short) magic.magic()).putInt(pageOffset + 4, 1)
                    .putLong(pageOffset + 8, start.value() + pageOffset);
        }
    }

    private static int align(int offset) {
        return (offset + 7) & -8;
    }
}
