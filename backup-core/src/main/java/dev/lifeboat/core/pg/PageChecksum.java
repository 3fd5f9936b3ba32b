package dev.lifeboat.core.pg;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * PostgreSQL's data page checksum (src/include/storage/checksum_impl.h), written from its
 * description: 32 FNV-1a-like hashes run side by side over the page read as little-endian
 * 32-bit words (word i goes to lane i mod 32), each lane seeded with its own constant and mixed
 * as {@code h = (h ^ v) * FNV_PRIME ^ ((h ^ v) >>> 17)}; two rounds of zeros follow, the lanes
 * are folded with xor, the block number is xored in and the result is reduced to 16 bits,
 * offset by one so that it is never zero. The page's own checksum field counts as zero.
 *
 * <p>Also reads the few page header fields a checker needs (pd_lsn, pd_checksum, pd_upper),
 * little-endian as on the machines PostgreSQL runs on here (x86-64, arm64).
 */
public final class PageChecksum {

    /** BLCKSZ: the page size this checker supports (PostgreSQL's default, nearly universal). */
    public static final int PAGE_SIZE = 8192;

    private static final int LANES = 32;
    private static final int FNV_PRIME = 16777619;
    private static final int CHECKSUM_OFFSET = 8;
    private static final int UPPER_OFFSET = 14;
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int[] SEEDS = {
            0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A, 0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
            0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA, 0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
            0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE, 0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
            0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E, 0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756};

    private PageChecksum() {
    }

    /** The checksum PostgreSQL stores in the page at {@code offset} of {@code buffer} when it is block {@code blockNumber} of its relation. */
    public static int compute(byte[] buffer, int offset, long blockNumber) {
        int[] sums = SEEDS.clone();
        // The first row holds the checksum field (bytes 8..9, the low half of word 2): it counts as zero.
        for (int lane = 0; lane < LANES; lane++) {
            int word = (int) WORD.get(buffer, offset + lane * 4);
            sums[lane] = mix(sums[lane], lane == 2 ? word & 0xFFFF0000 : word);
        }
        int end = offset + PAGE_SIZE;
        for (int row = offset + LANES * 4; row < end; row += LANES * 4) {
            for (int lane = 0; lane < LANES; lane++) {
                sums[lane] = mix(sums[lane], (int) WORD.get(buffer, row + lane * 4));
            }
        }
        int folded = 0;
        for (int lane = 0; lane < LANES; lane++) {
            folded ^= mix(mix(sums[lane], 0), 0);
        }
        long checksum = Integer.toUnsignedLong(folded ^ (int) blockNumber);
        return (int) (checksum % 65535) + 1;
    }

    /** The checksum the page carries (pd_checksum). */
    public static int stored(byte[] buffer, int offset) {
        return (buffer[offset + CHECKSUM_OFFSET] & 0xFF) | (buffer[offset + CHECKSUM_OFFSET + 1] & 0xFF) << 8;
    }

    /** The page's LSN (pd_lsn): the end of the last WAL record that changed it. */
    public static long lsn(byte[] buffer, int offset) {
        long high = Integer.toUnsignedLong(intAt(buffer, offset));
        long low = Integer.toUnsignedLong(intAt(buffer, offset + 4));
        return high << 32 | low;
    }

    /**
     * A page not yet initialised (pd_upper = 0: PostgreSQL extends a relation with zeroed pages
     * and carries no checksum on them until first written).
     */
    public static boolean isNew(byte[] buffer, int offset) {
        return buffer[offset + UPPER_OFFSET] == 0 && buffer[offset + UPPER_OFFSET + 1] == 0;
    }

    /** Whether the page carries the checksum it should as block {@code blockNumber}. */
    public static boolean matches(byte[] buffer, int offset, long blockNumber) {
        return compute(buffer, offset, blockNumber) == stored(buffer, offset);
    }

    private static int mix(int hash, int value) {
        int t = hash ^ value;
        return t * FNV_PRIME ^ (t >>> 17);
    }

    private static int intAt(byte[] b, int i) {
        return (int) WORD.get(b, i);
    }
}
