package dev.lifeboat.core.wal;

import java.util.ArrayList;
import java.util.List;

/** TEMPORARY until WalFileName lands: the segment names from first to last inclusive. */
public final class WalSegmentRange {
    private WalSegmentRange() {
    }

    public static List<String> between(String first, String last, int segmentSize) {
        long perLog = 0x100000000L / segmentSize;
        String tli = first.substring(0, 8);
        long a = Long.parseLong(first.substring(8, 16), 16) * perLog + Long.parseLong(first.substring(16, 24), 16);
        long b = Long.parseLong(last.substring(8, 16), 16) * perLog + Long.parseLong(last.substring(16, 24), 16);
        List<String> names = new ArrayList<>();
        for (long n = a; n <= b; n++) {
            names.add(String.format("%s%08X%08X", tli, n / perLog, n % perLog));
        }
        return names;
    }
}
