package dev.lifeboat.core.wal;

/**
 * A backup history file name, {@code 000000010000000000000002.00000028.backup}: the segment in
 * which a base backup started, then the start LSN's offset inside that segment.
 */
public record BackupHistoryFileName(WalSegmentName segment, int offset) implements WalFileName {

    static final String SUFFIX = ".backup";
    static final int LENGTH = WalNameSyntax.SEGMENT_NAME_LENGTH + 1 + 8 + SUFFIX.length();

    public BackupHistoryFileName {
        if (segment == null || segment.partial()) {
            throw new IllegalArgumentException("a backup history file names a complete segment, not " + segment);
        }
        if (offset < 0 || offset >= segment.segmentSize().bytes()) {
            throw new IllegalArgumentException("backup start offset " + offset + " lies outside a "
                    + segment.segmentSize() + " segment");
        }
    }

    /** The name PostgreSQL gives the history file of a backup that started at {@code startLsn}. */
    public static BackupHistoryFileName of(long timeline, Lsn startLsn, WalSegmentSize segmentSize) {
        return new BackupHistoryFileName(WalSegmentName.containing(timeline, startLsn, segmentSize),
                startLsn.segmentOffset(segmentSize));
    }

    public static BackupHistoryFileName parse(String name) {
        return parse(name, WalSegmentSize.DEFAULT);
    }

    /** @throws IllegalArgumentException naming the input if it is not a backup history file name */
    public static BackupHistoryFileName parse(String name, WalSegmentSize segmentSize) {
        int segmentLength = WalNameSyntax.SEGMENT_NAME_LENGTH;
        if (name == null || name.length() != LENGTH || !name.endsWith(SUFFIX) || name.charAt(segmentLength) != '.'
                || !WalNameSyntax.isUpperHex(name, segmentLength + 1, 8)) {
            throw new IllegalArgumentException("not a backup history file name: '" + name
                    + "' (expected e.g. 000000010000000000000002.00000028.backup)");
        }
        try {
            WalSegmentName segment = WalSegmentName.parse(name.substring(0, segmentLength), segmentSize);
            long offset = WalNameSyntax.hex8(name, segmentLength + 1);
            if (offset >= segmentSize.bytes()) {
                throw new IllegalArgumentException("offset " + name.substring(segmentLength + 1, segmentLength + 9)
                        + " lies outside a " + segmentSize + " segment");
            }
            return new BackupHistoryFileName(segment, (int) offset);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a backup history file name: '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public WalFileKind kind() {
        return WalFileKind.BACKUP_HISTORY;
    }

    @Override
    public long timeline() {
        return segment.timeline();
    }

    /** The LSN at which the backup started. */
    public Lsn startLsn() {
        return segment.startLsn().plus(offset);
    }

    @Override
    public String fileName() {
        return segment.fileName() + "." + WalNameSyntax.hex8(offset) + SUFFIX;
    }

    @Override
    public String toString() {
        return fileName();
    }
}
