package dev.lifeboat.storage;

/**
 * The rules for keys and list prefixes, in one place so that every adapter refuses the same
 * keys and a repository stays portable between stores (a directory, a bucket, memory).
 *
 * <p>A key is 1 to 1024 characters of printable ASCII (0x20 to 0x7E), made of '/'-separated
 * segments of 1 to 255 characters, none of them "." or "..": so no leading or trailing '/' and
 * no "//". The limits are those of S3 keys and of file names on common filesystems. Segments
 * starting with {@value #RESERVED_SEGMENT_PREFIX} are reserved for a store's temporary files
 * (the filesystem store writes there before it renames), on every store alike.
 *
 * <p>An invalid key is a bug in the caller, not a state of the store: it is refused with an
 * {@link IllegalArgumentException} before the store is touched, never with a
 * {@link StorageException} that a retry loop or a "not found" branch could misread.
 */
public final class BlobKeys {

    public static final int MAX_KEY_LENGTH = 1024;
    public static final int MAX_SEGMENT_LENGTH = 255;
    public static final String RESERVED_SEGMENT_PREFIX = ".tmp-";

    private BlobKeys() {
    }

    /** Returns {@code key} when it is valid; otherwise throws {@link IllegalArgumentException}. */
    public static String check(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("empty blob key");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw invalid("key", key, "longer than " + MAX_KEY_LENGTH + " characters");
        }
        checkCharacters("key", key);
        checkSegments("key", key, key.length());
        return key;
    }

    /**
     * Returns {@code prefix} when it is a valid list prefix; otherwise throws
     * {@link IllegalArgumentException}. A prefix is empty (everything), or the start of a key:
     * it may end with '/' or in the middle of a segment, and that unfinished last segment may be
     * anything printable ("wal/0000000100000000/000000010000000000000003-" is fine).
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("null list prefix");
        }
        if (prefix.isEmpty()) {
            return prefix;
        }
        if (prefix.length() > MAX_KEY_LENGTH) {
            throw invalid("prefix", prefix, "longer than " + MAX_KEY_LENGTH + " characters");
        }
        checkCharacters("prefix", prefix);
        int lastSlash = prefix.lastIndexOf('/');
        if (lastSlash >= 0) {
            // Every finished segment must be a valid one; the unfinished tail only filters names.
            checkSegments("prefix", prefix, lastSlash);
        }
        if (prefix.length() - lastSlash - 1 > MAX_SEGMENT_LENGTH) {
            throw invalid("prefix", prefix, "has a segment longer than " + MAX_SEGMENT_LENGTH + " characters");
        }
        return prefix;
    }

    private static void checkCharacters(String what, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw invalid(what, value, String.format("has character U+%04X at %d (only printable ASCII)", (int) c, i));
            }
        }
    }

    /** Checks the '/'-separated segments of {@code value} before index {@code end}. */
    private static void checkSegments(String what, String value, int end) {
        int start = 0;
        while (start <= end) {
            int slash = value.indexOf('/', start);
            int segmentEnd = slash < 0 || slash > end ? end : slash;
            checkSegment(what, value, value.substring(start, segmentEnd));
            start = segmentEnd + 1;
        }
    }

    private static void checkSegment(String what, String value, String segment) {
        if (segment.isEmpty()) {
            throw invalid(what, value, "has an empty segment (leading, trailing or double '/')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw invalid(what, value, "has a '" + segment + "' segment");
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw invalid(what, value, "has a segment longer than " + MAX_SEGMENT_LENGTH + " characters");
        }
        if (segment.startsWith(RESERVED_SEGMENT_PREFIX)) {
            throw invalid(what, value, "has a segment starting with '" + RESERVED_SEGMENT_PREFIX
                    + "' (reserved for temporary files)");
        }
    }

    private static IllegalArgumentException invalid(String what, String value, String reason) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        // Shown through an escape-free form: the value may hold control characters.
        return new IllegalArgumentException("invalid blob " + what + " '" + printable(shown) + "': " + reason);
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c <= 0x7E) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }
}
