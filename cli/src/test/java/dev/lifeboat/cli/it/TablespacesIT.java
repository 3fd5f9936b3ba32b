package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cluster with two tablespaces, backed up (a full, then an incremental): restored remapped
 * by name and by oid to a point in time, refused while the original directories are taken,
 * drilled in its own scratch space, restored as a standby beside its data directory, and at last restored to the original directories once the
 * source and its tablespaces are gone. Rows are checked each time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TablespacesIT {

    /** Both tables' rows, as one comparable text. */
    static final String ROWS = "SELECT (SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || note, ',' ORDER BY id), '')) FROM fast_orders)"
            + " || '/' || (SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || note, ',' ORDER BY id), '')) FROM slow_orders)";

    private static ArchivingCluster source;
    private static Path fastDirectory;
    private static Path slowDirectory;
    private static String slowOid;
    private static String targetTime;
    private static String rowsAtTarget;

    @BeforeAll
    static void clusterWithTwoTablespacesAndABackup() throws IOException {
        source = ArchivingCluster.start();
        fastDirectory = Files.createDirectories(source.scratch().resolve("disks/fast"));
        slowDirectory = Files.createDirectories(source.scratch().resolve("disks/slow"));
        TestClusters.serverUser().handOver(fastDirectory);
        TestClusters.serverUser().handOver(slowDirectory);
        ClusterSql.execute(source.cluster(), "CREATE TABLESPACE fast LOCATION '" + fastDirectory + "'");
        ClusterSql.execute(source.cluster(), "CREATE TABLESPACE slow LOCATION '" + slowDirectory + "'");
        slowOid = ClusterSql.queryForString(source.cluster(), "SELECT oid::text FROM pg_tablespace WHERE spcname = 'slow'");
        ClusterSql.execute(source.cluster(), "CREATE TABLE fast_orders (id bigint PRIMARY KEY, note text NOT NULL) TABLESPACE fast");
        ClusterSql.execute(source.cluster(), "CREATE TABLE slow_orders (id bigint, note text NOT NULL) TABLESPACE slow");
        ClusterSql.execute(source.cluster(), "CREATE INDEX ON slow_orders (id) TABLESPACE fast");
        insert(1, 1000);
        Lifeboat.Run full = source.backup();
        assertThat(full.exitCode()).as(full.toString()).isZero();
        insert(1001, 1500);
        Lifeboat.Run incr = source.lifeboat("backup", "--type", "incr", "--repo", source.repository().toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
        assertThat(incr.exitCode()).as(incr.toString()).isZero();
        assertThat(incr.stdout().strip()).endsWith("I");
        // After the newest backup, so that recovery replays WAL into both tablespaces.
        insert(1501, 1800);
        ClusterSql.execute(source.cluster(), "UPDATE slow_orders SET note = 'updated' WHERE id % 10 = 0");
        Instant target = Instant.parse(ClusterSql.queryForString(source.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        targetTime = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        rowsAtTarget = ClusterSql.queryForString(source.cluster(), ROWS);
        ArchivingCluster.sleep(20);
        insert(1801, 2000);
        ClusterSql.execute(source.cluster(), "DELETE FROM slow_orders WHERE id % 3 = 0");
        source.switchAndWaitForArchive();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(1)
    void infoListsTheBackupsTablespaces() throws IOException {
        Lifeboat.Run info = source.lifeboat("info", "--repo", source.repository().toString(), "--output", "json");

        assertThat(info.exitCode()).as(info.toString()).isZero();
        JsonNode backups = Json.mapper().readTree(info.stdout()).get("backups");
        assertThat(backups).hasSize(2);
        for (JsonNode backup : backups) {
            assertThat(backup.get("tablespaces").findValuesAsText("name")).containsExactlyInAnyOrder("fast", "slow");
            assertThat(backup.get("tablespaces").findValuesAsText("location"))
                    .containsExactlyInAnyOrder(fastDirectory.toString(), slowDirectory.toString());
        }
        Lifeboat.Run text = source.lifeboat("info", "--repo", source.repository().toString());
        assertThat(text.stdout()).contains("tablespace slow (oid " + slowOid + ") at " + slowDirectory);
    }

    @Test
    @Order(2)
    void aRemappedRestoreByNameAndByOidStartsWithTheRowsAtTheTargetTime() throws IOException {
        Path pgdata = source.newDirectory("remapped");
        Path newFast = source.newDirectory("new-fast");
        Path newSlow = source.newDirectory("new-slow");
        int port = freePort();

        Lifeboat.Run restore = source.restore(pgdata, port, "--target-time", targetTime,
                "--tablespace-map", "fast=" + newFast, "--tablespace-map", slowOid + "=" + newSlow);

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, ROWS)).isEqualTo(rowsAtTarget);
            assertThat(ArchivingCluster.query(port, "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = 'fast'"))
                    .isEqualTo(newFast.toString());
            assertThat(ArchivingCluster.query(port, "SELECT pg_tablespace_location(" + slowOid + ")")).isEqualTo(newSlow.toString());
            assertThat(Files.readSymbolicLink(pgdata.resolve("pg_tblspc/" + slowOid))).isEqualTo(newSlow);
            assertThat(listing(newSlow)).anyMatch(name -> name.startsWith("PG_"));
            assertThat(restore.stdout()).contains("tablespace slow (oid " + slowOid + ") was restored to " + newSlow);
            // The restored instance writes into its own tablespaces, not the source's.
            ArchivingCluster.execute(port, "INSERT INTO fast_orders SELECT g, 'restored' FROM generate_series(100001, 100100) g");
            assertThat(ClusterSql.queryForString(source.cluster(), "SELECT count(*) FROM fast_orders WHERE id > 100000")).isEqualTo("0");
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    @Order(3)
    void aRestoreToTheOriginalDirectoriesWhileTheyAreTakenIsRefusedBeforeWriting() {
        Map<String, String> repositoryBefore = RepositorySnapshot.of(source.repository());
        Path pgdata = source.newDirectory("occupied");
        Path newFast = source.newDirectory("only-fast");

        Lifeboat.Run restore = source.restore(pgdata, freePort(), "--target-time", targetTime, "--tablespace-map", "fast=" + newFast);

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(7);
        assertThat(restore.stderrLines()).first().asString()
                .contains("tablespace slow (oid " + slowOid + ")").contains("original path " + slowDirectory).contains("not empty");
        assertThat(restore.stderr()).contains("--tablespace-map slow=/new/path");
        assertThat(pgdata).doesNotExist();
        assertThat(newFast).doesNotExist();
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(repositoryBefore);
    }

    @Test
    @Order(4)
    void aRemapOfAnUnknownTablespaceIsAUsageErrorNamingTheKnownOnes() {
        Path pgdata = source.newDirectory("unknown");

        Lifeboat.Run restore = source.restore(pgdata, freePort(), "--tablespace-map", "archive=/srv/archive",
                "--tablespace-map", "fast=/srv/fast");

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(2);
        assertThat(restore.stderr()).contains("archive, which is not a tablespace of backup")
                .contains("fast (oid ").contains("slow (oid " + slowOid + ")");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    @Order(5)
    void aDrillPutsTheTablespacesInItsScratchSpaceAndPasses() throws IOException {
        Path scratch = Files.createDirectories(source.newDirectory("drill-scratch"));
        Path checks = Files.writeString(source.newDirectory("checks"), """
                -- name: rows in both tablespaces
                -- expect: count >= 1000
                SELECT count(*) FROM fast_orders JOIN slow_orders USING (id);
                """);
        // The source runs, so its tablespace directories are taken: a drill that did not remap would be refused.
        assertThat(listing(fastDirectory)).isNotEmpty();

        Lifeboat.Run drill = source.lifeboat("drill", "--repo", source.repository().toString(), "--start-timeout", "120",
                "--checks", checks.toString(), "--scratch", scratch.toString(), "--output", "json");

        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        assertThat(Json.mapper().readTree(drill.stdout()).get("drill").get("verdict").asText()).isEqualTo("passed");
        assertThat(listing(scratch)).isEmpty(); // the drill's tablespaces went with it
    }

    @Test
    @Order(6)
    void aStandbyPutsTheTablespacesBesideItsDataDirectory() throws IOException {
        Path pgdata = source.newDirectory("standby");
        Path home = pgdata.resolveSibling(pgdata.getFileName() + "-tablespaces");
        int port = freePort();

        Lifeboat.Run restore = source.restore(pgdata, port, "--standby");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
            assertThat(ArchivingCluster.query(port, "SELECT pg_tablespace_location(" + slowOid + ")"))
                    .isEqualTo(home.resolve(slowOid).toString());
            assertThat(Long.parseLong(ArchivingCluster.query(port, "SELECT count(*) FROM slow_orders"))).isPositive();
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    @Order(7)
    void onceTheSourceAndItsTablespacesAreGoneARestorePutsThemBackWhereTheyWere() throws IOException {
        source.cluster().stop();
        deleteRecursively(fastDirectory);
        deleteRecursively(slowDirectory);
        Path pgdata = source.newDirectory("in-place");
        int port = freePort();

        Lifeboat.Run restore = source.restore(pgdata, port, "--target-time", targetTime);

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, ROWS)).isEqualTo(rowsAtTarget);
            assertThat(ArchivingCluster.query(port, "SELECT pg_tablespace_location(" + slowOid + ")")).isEqualTo(slowDirectory.toString());
            assertThat(Files.readSymbolicLink(pgdata.resolve("pg_tblspc/" + slowOid))).isEqualTo(slowDirectory);
            assertThat(listing(fastDirectory)).anyMatch(name -> name.startsWith("PG_"));
        } finally {
            source.stopRestored(pgdata);
        }
    }

    private static void insert(int first, int last) {
        ClusterSql.execute(source.cluster(), "INSERT INTO fast_orders SELECT g, 'fast ' || g FROM generate_series(" + first + ", " + last + ") g");
        ClusterSql.execute(source.cluster(), "INSERT INTO slow_orders SELECT g, 'slow ' || g FROM generate_series(" + first + ", " + last + ") g");
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }

    private static java.util.List<String> listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
