package dev.lifeboat.core.repo;

import java.time.Instant;
import java.util.List;

/**
 * Everything needed to restore one backup, written last: a backup whose manifest is not in
 * the repository does not exist. LSNs are kept in PostgreSQL's "X/Y" text form. The file
 * lists come last so that listing backups reads only the head of each manifest.
 *
 * @param stopNextXid   the next transaction id when the backup ended: a transaction with an
 *                      id at or above it committed after the backup is consistent
 * @param backupLabel   the backup_label text that pg_backup_stop returned; restored as is
 * @param tablespaceMap the tablespace_map text, or null without tablespaces
 */
public record BackupManifest(
        int format,
        String id,
        BackupType type,
        String parent,
        String systemIdentifier,
        int pgMajor,
        String pgVersion,
        int walSegmentSize,
        int timeline,
        String startLsn,
        String stopLsn,
        String startWalFile,
        String stopWalFile,
        Instant startTime,
        Instant stopTime,
        long stopNextXid,
        String backupLabel,
        String tablespaceMap,
        Totals totals,
        String lifeboatVersion,
        String host,
        List<Link> links,
        List<Directory> directories,
        List<File> files) {

    public static final int CURRENT_FORMAT = 1;

    /** The same manifest without its file lists (what listing the catalog reads). */
    public BackupManifest withoutLists() {
        return new BackupManifest(format, id, type, parent, systemIdentifier, pgMajor, pgVersion, walSegmentSize,
                timeline, startLsn, stopLsn, startWalFile, stopWalFile, startTime, stopTime, stopNextXid,
                backupLabel, tablespaceMap, totals, lifeboatVersion, host, null, null, null);
    }

    /**
     * One regular file. Its content is a zstd frame of {@code storedSize} bytes at
     * {@code offset} in {@code object} (small files share an object, a "pack").
     */
    public record File(String path, long size, String sha256, int mode, Instant modified,
                       String object, long offset, long storedSize) {
    }

    public record Directory(String path, int mode) {
    }

    /** A symbolic link in the data directory (tablespaces under pg_tblspc). */
    public record Link(String path, String target) {
    }

    public record Totals(long files, long bytes, long storedBytes, long objects) {
    }
}
