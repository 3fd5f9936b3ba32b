package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Given a full backup, when rows change and an incr and a diff are taken, then they store
 * only what changed, each restores to exactly its own rows, and expire keeps or removes a
 * chain as a whole.
 */
class IncrementalBackupIT {

    private static final String ROWS = "SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || note, ',' ORDER BY id), '')) FROM orders";

    @Test
    void incrAndDiffStoreOnlyChangesRestoreTheirOwnRowsAndExpireByChain() {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
            ClusterSql.execute(source.cluster(), "CREATE TABLE archive_rows AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g");
            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'first ' || g FROM generate_series(1, 300) g");
            ClusterSql.execute(source.cluster(), "CHECKPOINT");
            ArchivingCluster.sleep(1100); // files written in the second the full backup starts are copied again anyway
            String full = id(source.backup());

            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'second ' || g FROM generate_series(301, 600) g");
            String rowsAtIncr = ClusterSql.queryForString(source.cluster(), ROWS);
            String incr = id(source.lifeboat("backup", "--repo", source.repository().toString(), "--pgdata",
                    source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()), "--type", "incr"));
            ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 2 = 0");
            String diff = id(source.lifeboat("backup", "--repo", source.repository().toString(), "--pgdata",
                    source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()), "--type", "diff"));
            assertThat(full).endsWith("F");
            assertThat(incr).endsWith("I");
            assertThat(diff).endsWith("D");

            try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
                BackupManifest fullManifest = repository.backups().read(full);
                BackupManifest incrManifest = repository.backups().read(incr);
                assertThat(incrManifest.parent()).isEqualTo(full);
                assertThat(repository.backups().read(diff).parent()).isEqualTo(full);
                // A complete list of the cluster's files, not only the changed ones (the server may
                // add or drop a few between the two backups, e.g. a visibility map or a temp file).
                assertThat(incrManifest.files()).hasSizeGreaterThan(fullManifest.files().size() * 9 / 10);
                assertThat(incrManifest.files()).anyMatch(f -> f.object().startsWith("data/" + full + "/"));
                assertThat(incrManifest.totals().storedBytes()).as("the incr stores what changed, not the 4 MB table")
                        .isLessThan(fullManifest.totals().storedBytes() / 3);
            }

            int port;
            try (PortReservation reservation = FreePort.reserve()) {
                port = reservation.port();
            }
            Path target = source.newDirectory("restored-incr");
            Lifeboat.Run restore = source.restore(target, port, "--backup", incr, "--target", "immediate");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(ArchivingCluster.query(port, ROWS)).isEqualTo(rowsAtIncr);
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM archive_rows")).isEqualTo("20000");
            source.stopRestored(target);

            // One full to keep: the chain of the newest full (full, incr, diff) stays whole.
            Lifeboat.Run keep = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");
            assertThat(keep.exitCode()).as(keep.toString()).isZero();
            assertThat(ids(source)).containsExactly(full, incr, diff);

            // A new full: the old chain goes whole, and what is left restores.
            String newFull = id(source.backup());
            Lifeboat.Run expire = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");
            assertThat(expire.exitCode()).as(expire.toString()).isZero();
            assertThat(ids(source)).containsExactly(newFull);
            assertThat(source.repository().resolve("data").toFile().list()).containsExactly(newFull);
        }
    }

    private static String id(Lifeboat.Run backup) {
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return backup.stdout().strip();
    }

    private static List<String> ids(ArchivingCluster source) {
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
            return repository.backups().list().stream().map(BackupManifest::id).toList();
        }
    }
}
