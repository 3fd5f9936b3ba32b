package dev.lifeboat.core.repo;

import com.fasterxml.jackson.annotation.JsonCreator;

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
 * @param tablespaces   the cluster's tablespaces when it was backed up (oid, name, location);
 *                      null in manifests written before Lifeboat recorded them (see {@link #tablespaceList()})
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
        List<File> files,
        List<Tablespace> tablespaces) {

    public static final int CURRENT_FORMAT = 1;

    @JsonCreator
    public BackupManifest {
    }

    /** A manifest without tablespaces (as written before they were recorded). */
    public BackupManifest(int format, String id, BackupType type, String parent, String systemIdentifier, int pgMajor,
                          String pgVersion, int walSegmentSize, int timeline, String startLsn, String stopLsn,
                          String startWalFile, String stopWalFile, Instant startTime, Instant stopTime, long stopNextXid,
                          String backupLabel, String tablespaceMap, Totals totals, String lifeboatVersion, String host,
                          List<Link> links, List<Directory> directories, List<File> files) {
        this(format, id, type, parent, systemIdentifier, pgMajor, pgVersion, walSegmentSize, timeline, startLsn, stopLsn,
                startWalFile, stopWalFile, startTime, stopTime, stopNextXid, backupLabel, tablespaceMap, totals,
                lifeboatVersion, host, links, directories, files, null);
    }

    /**
     * The backup's tablespaces: as recorded, or for an older manifest (which kept only the
     * pg_tblspc links) from its links, without names.
     */
    public List<Tablespace> tablespaceList() {
        if (tablespaces != null) {
            return tablespaces;
        }
        if (links == null) {
            return List.of();
        }
        return links.stream().filter(l -> l.path().matches("pg_tblspc/\\d+"))
                .map(l -> new Tablespace(Long.parseLong(l.path().substring("pg_tblspc/".length())), null, l.target()))
                .toList();
    }

    /** The same manifest without its file lists (what listing the catalog reads). */
    public BackupManifest withoutLists() {
        return new BackupManifest(format, id, type, parent, systemIdentifier, pgMajor, pgVersion, walSegmentSize,
                timeline, startLsn, stopLsn, startWalFile, stopWalFile, startTime, stopTime, stopNextXid,
                backupLabel, tablespaceMap, totals, lifeboatVersion, host, null, null, null, tablespaces);
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

    /**
     * A tablespace of the backed-up cluster: its files are in the backup under pg_tblspc/OID/.
     *
     * @param name     its name, or null when unknown (an older manifest)
     * @param location the directory it was at (what pg_tblspc/OID pointed to)
     */
    public record Tablespace(long oid, String name, String location) {

        /** How messages name it: by name and oid, or by oid alone. */
        public String describe() {
            return name == null ? "tablespace with oid " + oid : "tablespace " + name + " (oid " + oid + ")";
        }
    }

    public record Totals(long files, long bytes, long storedBytes, long objects) {
    }
}
