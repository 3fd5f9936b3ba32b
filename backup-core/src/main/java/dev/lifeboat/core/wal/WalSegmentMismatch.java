package dev.lifeboat.core.wal;

import java.util.Optional;

/**
 * Proof that a file is not the WAL segment its name says, from its size and its first page's
 * long header. The checks are the ones PostgreSQL makes when recovery reads the segment
 * ({@code XLogReaderValidatePageHeader} in xlogreader.c), so a file that fails one would stop
 * recovery there, and no segment PostgreSQL wrote fails one:
 * <ul>
 *   <li>a complete segment is exactly {@code wal_segment_size} bytes (a {@code .partial} one
 *       may be shorter; PostgreSQL's own are zero-padded to the full size);</li>
 *   <li>the page starts with a known magic, valid info bits and the long-header flag;</li>
 *   <li>{@code xlp_sysid} and {@code xlp_seg_size} are the cluster's;</li>
 *   <li>{@code xlp_pageaddr} is the first byte of the segment the name gives;</li>
 *   <li>{@code xlp_tli} is not later than the name's timeline. PostgreSQL requires every page's
 *       timeline to be in the recovery timeline's history and never to go backwards; a segment
 *       is named after the timeline its writer was on, and a parent's timeline id is always
 *       smaller than its child's, so a page may carry an older timeline (the first segment after
 *       a switch begins as a copy of the parent's) but never a later one.</li>
 * </ul>
 * {@code XLOG_BLCKSZ} is not checked: the repository does not record it.
 *
 * @param fileName the name the file was given
 * @param detail   what the content shows instead, e.g. "holds the WAL of 000000010000000000000005 (page address 0/5000000)"
 */
public record WalSegmentMismatch(String fileName, String detail) {

    /**
     * What every segment of the repository's cluster has in common.
     *
     * @param systemIdentifier the cluster's system identifier (unsigned decimal), or null not to check it
     */
    public record Expected(String systemIdentifier, WalSegmentSize segmentSize) {
    }

    /** "000000010000000000000003 holds the WAL of 000000010000000000000005 (page address 0/5000000)". */
    public String message() {
        return fileName + " " + detail;
    }

    /**
     * Checks a file of {@code size} bytes named {@code name} whose first {@code available}
     * bytes are in {@code head} (at least {@value WalSegmentHeader#LENGTH} unless the file is shorter).
     *
     * @return what does not match, or empty when the file may be the segment its name says
     */
    public static Optional<WalSegmentMismatch> find(WalSegmentName name, byte[] head, int available, long size, Expected expected) {
        String fileName = name.fileName();
        long segmentBytes = expected.segmentSize().bytes();
        if (!name.partial() && size != segmentBytes) {
            return mismatch(fileName, "is " + size + " bytes, not a whole segment of " + expected.segmentSize()
                    + " (" + segmentBytes + " bytes)");
        }
        if (name.partial() && size > segmentBytes) {
            return mismatch(fileName, "is " + size + " bytes, more than a segment of " + expected.segmentSize());
        }
        WalSegmentHeader header;
        try {
            header = WalSegmentHeader.parse(head, Math.min(available, head.length));
        } catch (WalFormatException e) {
            return mismatch(fileName, "does not start with a WAL segment header (" + e.getMessage() + ")");
        }
        if (expected.systemIdentifier() != null && !expected.systemIdentifier().equals(header.systemIdentifierText())) {
            return mismatch(fileName, "holds WAL of cluster " + header.systemIdentifierText() + ", not of this repository's cluster "
                    + expected.systemIdentifier());
        }
        if (header.segmentSize().bytes() != segmentBytes) {
            return mismatch(fileName, "holds WAL of a cluster with " + header.segmentSize() + " segments, not "
                    + expected.segmentSize() + " ones");
        }
        if (!header.pageAddress().equals(name.startLsn())) {
            String whose = header.pageAddress().segmentOffset(header.segmentSize()) == 0
                    ? "holds the WAL of " + header.segmentName().fileName()
                    : "holds WAL that does not start on a segment boundary";
            return mismatch(fileName, whose + " (page address " + header.pageAddress() + ", expected " + name.startLsn() + ")");
        }
        if (header.timeline() > name.timeline()) {
            return mismatch(fileName, "holds WAL of timeline " + header.timeline() + ", later than the timeline "
                    + name.timeline() + " of its name");
        }
        return Optional.empty();
    }

    private static Optional<WalSegmentMismatch> mismatch(String fileName, String detail) {
        return Optional.of(new WalSegmentMismatch(fileName, detail));
    }
}
