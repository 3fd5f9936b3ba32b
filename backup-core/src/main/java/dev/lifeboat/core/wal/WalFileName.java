package dev.lifeboat.core.wal;

/**
 * The name of a file in PostgreSQL's WAL archive: a segment, a partial segment, a timeline
 * history file or a backup history file. Names are exactly as PostgreSQL writes them
 * (uppercase hex, fixed widths); anything else is rejected, so a name that parses is one
 * PostgreSQL could have produced.
 */
public sealed interface WalFileName permits WalSegmentName, TimelineHistoryFileName, BackupHistoryFileName {

    WalFileKind kind();

    /** The timeline the file belongs to. */
    long timeline();

    /** The file name itself, e.g. {@code 000000010000000A000000FF}. */
    String fileName();

    /** The timeline as 8 uppercase hex digits, e.g. {@code 00000002}. */
    default String timelineHex() {
        return WalNameSyntax.hex8(timeline());
    }

    /** Parses any archive file name for 16 MiB segments. */
    static WalFileName parse(String name) {
        return parse(name, WalSegmentSize.DEFAULT);
    }

    /**
     * Parses any archive file name; {@code segmentSize} decides which segment numbers are valid
     * (with 16 MiB segments the last 8 digits never exceed {@code 000000FF}).
     *
     * @throws IllegalArgumentException naming the input if it is not such a name
     */
    static WalFileName parse(String name, WalSegmentSize segmentSize) {
        if (name == null) {
            throw new IllegalArgumentException("WAL file name is missing (null)");
        }
        if (name.endsWith(TimelineHistoryFileName.SUFFIX)) {
            return TimelineHistoryFileName.parse(name);
        }
        if (name.endsWith(BackupHistoryFileName.SUFFIX)) {
            return BackupHistoryFileName.parse(name, segmentSize);
        }
        return WalSegmentName.parse(name, segmentSize);
    }

    /**
     * True if {@code name} has the shape of a WAL archive file name of any kind, judged the way
     * PostgreSQL's own {@code IsXLogFileName}, {@code IsPartialXLogFileName},
     * {@code IsTLHistoryFileName} and {@code IsBackupHistoryFileName} judge it: by characters
     * only, whatever the segment size. Use {@link #isWalFileName(String, WalSegmentSize)} to
     * also check that the numbers are valid.
     */
    static boolean isWalFileName(String name) {
        if (name == null) {
            return false;
        }
        int length = name.length();
        boolean segmentPrefix = WalNameSyntax.isUpperHex(name, 0, WalNameSyntax.SEGMENT_NAME_LENGTH);
        return length == WalNameSyntax.SEGMENT_NAME_LENGTH && segmentPrefix
                || length == WalNameSyntax.SEGMENT_NAME_LENGTH + WalSegmentName.PARTIAL_SUFFIX.length()
                        && segmentPrefix && name.endsWith(WalSegmentName.PARTIAL_SUFFIX)
                || length == 8 + TimelineHistoryFileName.SUFFIX.length()
                        && WalNameSyntax.isUpperHex(name, 0, 8) && name.endsWith(TimelineHistoryFileName.SUFFIX)
                || length == BackupHistoryFileName.LENGTH && segmentPrefix && name.charAt(24) == '.'
                        && WalNameSyntax.isUpperHex(name, 25, 8) && name.endsWith(BackupHistoryFileName.SUFFIX);
    }

    /** True if {@link #parse(String, WalSegmentSize)} accepts {@code name}. */
    static boolean isWalFileName(String name, WalSegmentSize segmentSize) {
        if (!isWalFileName(name)) {
            return false;
        }
        try {
            parse(name, segmentSize);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
