package dev.lifeboat.core.wal;

/**
 * {@code XLOG_PAGE_MAGIC}, the first two bytes of every WAL page. PostgreSQL changes it whenever
 * the WAL format changes, at least once per major version, so it tells which major version
 * wrote a segment. Values from {@code src/include/access/xlog_internal.h} of each release branch.
 */
public enum WalPageMagic {
    PG13(13, 0xD106),
    PG14(14, 0xD10D),
    PG15(15, 0xD110),
    PG16(16, 0xD113),
    PG17(17, 0xD116),
    PG18(18, 0xD118);

    private final int majorVersion;
    private final int magic;

    WalPageMagic(int majorVersion, int magic) {
        this.majorVersion = majorVersion;
        this.magic = magic;
    }

    /** @throws WalFormatException if no supported PostgreSQL version writes this magic */
    public static WalPageMagic of(int magic) {
        for (WalPageMagic candidate : values()) {
            if (candidate.magic == magic) {
                return candidate;
            }
        }
        throw new WalFormatException(String.format(
                "unknown WAL page magic 0x%04X: not WAL of PostgreSQL %d to %d", magic,
                PG13.majorVersion, PG18.majorVersion));
    }

    public int majorVersion() {
        return majorVersion;
    }

    public int magic() {
        return magic;
    }

    /** Before 15, bimg_info's 0x02 meant "compressed"; from 15 on, 0x04, 0x08 and 0x10 name the method. */
    boolean isImageCompressed(int bimgInfo) {
        return majorVersion < 15 ? (bimgInfo & 0x02) != 0 : (bimgInfo & 0x1C) != 0;
    }

    /** sizeof(xl_xact_stats_item): 18 widened the object id to two 32-bit halves. */
    int droppedStatsItemSize() {
        return majorVersion < 18 ? 12 : 16;
    }
}
