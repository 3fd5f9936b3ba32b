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
 * @param pageChecksums what checking the data pages found while they were copied; null in
 *                      manifests written before Lifeboat checked pages (readers that do not know
 *                      the field ignore it, so the format number stays 1)
 * @param fromStandby   true when the backup was taken on a standby (backup --from-standby); null
 *                      (left out of the JSON) for a backup of a primary, so older readers see nothing new
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
        PageChecksums pageChecksums,
        List<Link> links,
        List<Directory> directories,
        List<File> files,
        List<Tablespace> tablespaces,
        Boolean fromStandby) {

    public static final int CURRENT_FORMAT = 1;

    @JsonCreator
    public BackupManifest {
    }

    /** A manifest of a backup taken on a primary. */
    public BackupManifest(int format, String id, BackupType type, String parent, String systemIdentifier, int pgMajor,
                          String pgVersion, int walSegmentSize, int timeline, String startLsn, String stopLsn,
                          String startWalFile, String stopWalFile, Instant startTime, Instant stopTime, long stopNextXid,
                          String backupLabel, String tablespaceMap, Totals totals, String lifeboatVersion, String host,
                          PageChecksums pageChecksums, List<Link> links, List<Directory> directories, List<File> files,
                          List<Tablespace> tablespaces) {
        this(format, id, type, parent, systemIdentifier, pgMajor, pgVersion, walSegmentSize, timeline, startLsn, stopLsn,
                startWalFile, stopWalFile, startTime, stopTime, stopNextXid, backupLabel, tablespaceMap, totals,
                lifeboatVersion, host, pageChecksums, links, directories, files, tablespaces, null);
    }

    /** Whether the backup was taken on a standby. */
    public boolean takenOnStandby() {
        return Boolean.TRUE.equals(fromStandby);
    }

    /** A manifest without tablespaces or a page check result (as written before either was recorded). */
    public BackupManifest(int format, String id, BackupType type, String parent, String systemIdentifier, int pgMajor,
                          String pgVersion, int walSegmentSize, int timeline, String startLsn, String stopLsn,
                          String startWalFile, String stopWalFile, Instant startTime, Instant stopTime, long stopNextXid,
                          String backupLabel, String tablespaceMap, Totals totals, String lifeboatVersion, String host,
                          List<Link> links, List<Directory> directories, List<File> files) {
        this(format, id, type, parent, systemIdentifier, pgMajor, pgVersion, walSegmentSize, timeline, startLsn, stopLsn,
                startWalFile, stopWalFile, startTime, stopTime, stopNextXid, backupLabel, tablespaceMap, totals,
                lifeboatVersion, host, null, links, directories, files, null, null);
    }

    /** The corrupt pages this backup holds (none when pages were not checked). */
    public List<CorruptPages> corruptPages() {
        return pageChecksums == null || pageChecksums.corrupt() == null ? List.of() : pageChecksums.corrupt();
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
                backupLabel, tablespaceMap, totals, lifeboatVersion, host, pageChecksums, null, null, null, tablespaces, fromStandby);
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

    /**
     * The result of checking data page checksums while the files were read.
     *
     * @param checked false when the cluster has data checksums off (nothing to check)
     * @param corrupt the relation files with pages that failed the check, by path; empty when none
     */
    public record PageChecksums(boolean checked, List<CorruptPages> corrupt) {
    }

    /**
     * Pages of one relation file whose checksum failed even when read again, and whose LSN is
     * older than the backup's start (so WAL replay would not rewrite them): the backup holds the
     * same corrupt pages the cluster does.
     *
     * @param path         the file, relative to the data directory (base/5/16384.1)
     * @param database     the database's oid (0 for the shared catalogs under global/)
     * @param databaseName its name, or null if it could not be looked up
     * @param relfilenode  the relation's file node
     * @param relation     the relation's name as regclass prints it, or null when not cheap to look up
     *                     (a database other than the one the backup connected to)
     * @param fork         main, fsm, vm or init
     * @param pages        how many pages failed
     * @param blocks       the block numbers within the relation (segment * blocks per segment + block
     *                     in the file), as "N" or ranges "N-M"; at most {@value #MAX_BLOCK_RANGES} ranges
     */
    public record CorruptPages(String path, long database, String databaseName, long relfilenode, String relation,
                               String fork, long pages, List<String> blocks) {

        public static final int MAX_BLOCK_RANGES = 1000;

        /** One line for people: "relation public.t (database app, base/16384/16385), fork main: block 0". */
        public String describe() {
            String name = relation != null ? "relation " + relation : "relation with file node " + relfilenode;
            String where = (databaseName != null ? "database " + databaseName : database == 0 ? "shared" : "database oid " + database)
                    + ", " + path;
            String list = String.join(", ", blocks) + (pages > blocks.stream().mapToLong(CorruptPages::count).sum() ? ", ..." : "");
            return name + " (" + where + "), fork " + fork + ": " + (pages == 1 ? "block " : pages + " blocks ") + list;
        }

        private static long count(String range) {
            int dash = range.indexOf('-');
            return dash < 0 ? 1 : Long.parseLong(range.substring(dash + 1)) - Long.parseLong(range.substring(0, dash)) + 1;
        }
    }
}
