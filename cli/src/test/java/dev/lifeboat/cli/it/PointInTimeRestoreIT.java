package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator's story, once per kind of recovery target: given a cluster whose WAL Lifeboat
 * archives and a backup of it, when rows are written, a target is recorded and more rows are
 * written, then a restore to the target starts a new instance holding exactly the rows of
 * that moment, and it takes writes.
 */
class PointInTimeRestoreIT {

    static final String CHECKSUM = "SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || note, ',' ORDER BY id), '')) FROM orders";

    private static ArchivingCluster source;
    private static String rowsAtBackup;
    private static long nextId = 1;

    @BeforeAll
    static void clusterWithABackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        writeRows(500);
        rowsAtBackup = rows();
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.stdout().strip()).matches("\\d{8}-\\d{6}F");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void restoreToATime() {
        writeRows(300);
        Instant target = Instant.parse(ClusterSql.queryForString(source.cluster(), 
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String expected = rows();
        ArchivingCluster.sleep(20);
        writeRowsAndRuin();

        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        assertRestoredRows(expected, "--target-time", time);
    }

    @Test
    void restoreToAnLsn() {
        writeRows(200);
        String lsn = ClusterSql.queryForString(source.cluster(), "SELECT pg_current_wal_lsn()");
        String expected = rows();
        writeRowsAndRuin();

        assertRestoredRows(expected, "--target-lsn", lsn);
    }

    @Test
    void restoreToATransaction() {
        writeRows(100);
        String xid = ClusterSql.queryForString(source.cluster(), 
                "WITH t AS (INSERT INTO orders SELECT g, 'in the target transaction' FROM generate_series(" + nextId + ", " + (nextId + 49)
                        + ") g RETURNING 1) SELECT txid_current()::text FROM t LIMIT 1");
        nextId += 50;
        String expected = rows();
        writeRowsAndRuin();

        assertRestoredRows(expected, "--target-xid", xid);
    }

    @Test
    void restoreToANamedRestorePoint() {
        writeRows(150);
        ClusterSql.execute(source.cluster(), "SELECT pg_create_restore_point('before_migration')");
        String expected = rows();
        writeRowsAndRuin();

        assertRestoredRows(expected, "--target-name", "before_migration");
    }

    @Test
    void pauseAtTheTargetToLookBeforePromoting() {
        writeRows(120);
        ClusterSql.execute(source.cluster(), "SELECT pg_create_restore_point('look_first')");
        String expected = rows();
        writeRowsAndRuin();

        Path pgdata = source.newDirectory("paused");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run restore = source.restore(pgdata, port, "--target-name", "look_first", "--pause-at-target");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stdout()).contains("paused at the target on port " + port).contains("lifeboat promote --pgdata");
        try {
            assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(ArchivingCluster.query(port, CHECKSUM)).isEqualTo(expected);

            Lifeboat.Run promote = Lifeboat.run("promote", "--pgdata", pgdata.toString());
            assertThat(promote.exitCode()).as(promote.toString()).isZero();
            ArchivingCluster.execute(port, "INSERT INTO orders VALUES (-2, 'written after promoting')");
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders WHERE id = -2")).isEqualTo("1");
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    void restoreToTheEndOfTheBackup() {
        writeRowsAndRuin();

        assertRestoredRows(rowsAtBackup, "--target", "immediate");
    }

    @Test
    void restoreEverythingArchived() {
        writeRows(250);
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 7 = 0");
        source.switchAndWaitForArchive();
        String expected = rows();

        assertRestoredRows(expected, "--target", "latest");
    }

    @Test
    void theServerOfTheBackupsVersionIsFoundWithoutLifeboatPgBinOrPostgresOnThePath() throws IOException {
        PgBinaries installed = TestClusters.binaries();
        assumeTrue(installed.binDirectory().equals(Path.of("/usr/lib/postgresql/" + installed.majorVersion() + "/bin")),
                "the tests' server is not a Debian package: " + installed.binDirectory());
        List<String> path = List.of("/usr/bin", "/bin"); // no sbin either, as root has under some crons: runuser is found by its path
        assumeTrue(path.stream().noneMatch(dir -> Files.exists(Path.of(dir, "postgres"))), "postgres is in " + path);
        writeRows(100);
        source.switchAndWaitForArchive();
        String expected = rows();
        Path pgdata = source.newDirectory("restored");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }

        Lifeboat.Run restore = source.restore(Map.of(PgBinaries.BIN_ENV, "", "PATH", String.join(":", path)), pgdata, port, "--target", "latest");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, CHECKSUM)).isEqualTo(expected);
            long pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).strip());
            assertThat(Path.of("/proc/" + pid + "/exe").toRealPath()).as("the program the restored server runs")
                    .isEqualTo(installed.binDirectory().resolve("postgres").toRealPath());
        } finally {
            source.stopRestored(pgdata);
        }
    }

    /** Restores with the target arguments into a new instance and compares its rows. */
    private static void assertRestoredRows(String expected, String... target) {
        Path pgdata = source.newDirectory("restored");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run restore = source.restore(pgdata, port, target);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stdout()).contains("open for writes on port " + port);
        try {
            assertThat(ArchivingCluster.query(port, CHECKSUM)).isEqualTo(expected);
            ArchivingCluster.execute(port, "INSERT INTO orders VALUES (-1, 'written after the restore')");
            assertThat(ArchivingCluster.query(port, "SELECT current_setting('archive_mode')")).isEqualTo("off");
        } finally {
            source.stopRestored(pgdata);
        }
    }

    /** Later rows, an update and a delete: none of this may show up in a restore to the target. */
    private static void writeRowsAndRuin() {
        writeRows(200);
        ClusterSql.execute(source.cluster(), "UPDATE orders SET note = 'ruined' WHERE id % 3 = 0");
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 5 = 0");
        source.switchAndWaitForArchive();
    }

    private static void writeRows(int count) {
        // Ten transactions, so there are commits for recovery to stop between.
        int per = Math.max(1, count / 10);
        for (int done = 0; done < count; done += per) {
            long first = nextId;
            long last = nextId + Math.min(per, count - done) - 1;
            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(" + first + ", " + last + ") g");
            nextId = last + 1;
        }
    }

    private static String rows() {
        return ClusterSql.queryForString(source.cluster(), CHECKSUM);
    }
}
