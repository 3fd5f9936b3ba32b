package dev.lifeboat.core.wal;

/** The character-level rules shared by every WAL file name: fixed-width uppercase hex fields. */
final class WalNameSyntax {

    static final int SEGMENT_NAME_LENGTH = 24;
    static final long MAX_TIMELINE = 0xFFFF_FFFFL;

    private WalNameSyntax() {
    }

    /** True if {@code length} characters from {@code from} are all uppercase hex, as PostgreSQL writes them. */
    static boolean isUpperHex(String text, int from, int length) {
        if (from < 0 || from + length > text.length()) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** Eight hex digits from {@code from} as an unsigned 32-bit number; the caller checked the syntax. */
    static long hex8(String text, int from) {
        return Long.parseLong(text, from, from + 8, 16);
    }

    static String hex8(long value) {
        String digits = Long.toHexString(value).toUpperCase();
        return "0".repeat(8 - digits.length()) + digits;
    }

    static void checkTimeline(long timeline) {
        if (timeline < 1 || timeline > MAX_TIMELINE) {
            throw new IllegalArgumentException("not a valid timeline: " + timeline
                    + " (PostgreSQL timelines run from 1 to 4294967295)");
        }
    }
}
