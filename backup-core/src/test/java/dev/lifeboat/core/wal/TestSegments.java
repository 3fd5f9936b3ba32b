package dev.lifeboat.core.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Segments for tests of other packages that need stored WAL to be what its name says: a valid
 * long page header for the name and cluster, no records (PostgreSQL reads zeros as the end of WAL).
 */
public final class TestSegments {

    private TestSegments() {
    }

    /** A 16 MiB segment of PostgreSQL 15 named {@code name} (24 hex digits) of cluster {@code systemIdentifier}. */
    public static byte[] empty(String name, String systemIdentifier) {
        WalSegmentName segment = WalSegmentName.parse(name, WalSegmentSize.DEFAULT);
        byte[] bytes = new byte[WalSegmentSize.DEFAULT.bytes()];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(0, (short) WalPageMagic.PG15.magic()).putShort(2, (short) WalSegmentHeader.LONG_HEADER)
                .putInt(4, (int) segment.timeline()).putLong(8, segment.startLsn().value())
                .putLong(24, Long.parseUnsignedLong(systemIdentifier))
                .putInt(32, WalSegmentSize.DEFAULT.bytes()).putInt(36, 8192);
        return bytes;
    }

    /** {@link #empty} with {@code content} after the header, so that segments of one name can differ. */
    public static byte[] withContent(String name, String systemIdentifier, String content) {
        byte[] bytes = empty(name, systemIdentifier);
        byte[] text = content.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, bytes, WalSegmentHeader.LENGTH, text.length);
        return bytes;
    }
}
