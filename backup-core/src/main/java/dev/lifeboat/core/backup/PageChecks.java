package dev.lifeboat.core.backup;

import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.PageChecksum;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.wal.Lsn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data page checksum checks for one backup: whether they apply (the cluster has data checksums
 * on, with 8 KiB pages) and which relation files turned out to hold corrupt pages. Files are
 * checked as the uploader reads them ({@link #open}); only files with corrupt pages are
 * remembered, so memory does not grow with the size of the cluster.
 */
final class PageChecks {

    /** What was found in one file; kept only when pages failed. */
    private record Found(RelationFile relation, long pages, List<String> blocks) {
    }

    private final boolean enabled;
    private final long startLsn;
    private final long blocksPerSegment;
    private final Map<String, Found> found = new ConcurrentHashMap<>();

    private PageChecks(boolean enabled, long startLsn, long blocksPerSegment) {
        this.enabled = enabled;
        this.startLsn = startLsn;
        this.blocksPerSegment = blocksPerSegment;
    }

    static PageChecks off() {
        return new PageChecks(false, 0, 0);
    }

    /**
     * Checks for a backup of the cluster behind {@code session} that started at {@code startLsn}:
     * on when the cluster has data checksums and 8 KiB pages (PostgreSQL's default; other page
     * sizes are not checked).
     */
    static PageChecks forCluster(ClusterSession session, String startLsn) {
        if (!"on".equals(session.setting("data_checksums")) || !Integer.toString(PageChecksum.PAGE_SIZE).equals(session.setting("block_size"))) {
            return off();
        }
        // segment_size in pg_settings is counted in pages (RELSEG_SIZE); 131072 unless built otherwise.
        long perSegment = Long.parseLong(session.queryString("SELECT setting FROM pg_settings WHERE name = 'segment_size'"));
        return new PageChecks(true, Lsn.parse(startLsn).value(), perSegment);
    }

    boolean enabled() {
        return enabled;
    }

    /** The file's content to back up; a relation file's pages are checked as it is read. */
    InputStream open(FileEntry file) throws IOException {
        InputStream in = Files.newInputStream(file.source());
        RelationFile relation = enabled ? RelationFile.parse(file.path()) : null;
        if (relation == null) {
            return in;
        }
        PageVerifier verifier = new PageVerifier(file.source(), relation, startLsn, blocksPerSegment);
        return new PageCheckingInputStream(in, verifier, done -> {
            // The store may read a file twice (a retried upload): the last whole read counts.
            if (done.corruptPages() == 0) {
                found.remove(file.path());
            } else {
                found.put(file.path(), new Found(relation, done.corruptPages(),
                        done.blockRanges(BackupManifest.CorruptPages.MAX_BLOCK_RANGES)));
            }
        });
    }

    /**
     * The corrupt pages found, by path, with the database's name and, where cheap (the backup's
     * own database and the shared catalogs), the relation's name, looked up over {@code session}.
     */
    List<BackupManifest.CorruptPages> corrupt(ClusterSession session) {
        List<BackupManifest.CorruptPages> out = new ArrayList<>();
        Map<Long, Optional<String>> databaseNames = new HashMap<>();
        Long ownDatabase = query(session, "SELECT oid::text FROM pg_database WHERE datname = current_database()").map(Long::parseLong).orElse(null);
        for (var entry : found.entrySet()) {
            RelationFile r = entry.getValue().relation();
            String databaseName = r.database() == 0 ? null : databaseNames.computeIfAbsent(r.database(),
                    oid -> query(session, "SELECT datname FROM pg_database WHERE oid = " + oid)).orElse(null);
            String relation = r.database() == 0 || Long.valueOf(r.database()).equals(ownDatabase)
                    ? query(session, "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.oid = pg_filenode_relation(" + (r.tablespace() == RelationFile.DEFAULT_TABLESPACE ? 0 : r.tablespace())
                    + ", " + r.relfilenode() + ")").orElse(null)
                    : null;
            out.add(new BackupManifest.CorruptPages(entry.getKey(), r.database(), databaseName, r.relfilenode(), relation, r.fork(),
                    entry.getValue().pages(), entry.getValue().blocks()));
        }
        out.sort(Comparator.comparing(BackupManifest.CorruptPages::path));
        return out;
    }

    /** A name is a courtesy: a lookup that fails leaves it out rather than failing the backup. */
    private static Optional<String> query(ClusterSession session, String sql) {
        try {
            return session.queryOptional(sql);
        } catch (LifeboatException e) {
            return Optional.empty();
        }
    }
}
