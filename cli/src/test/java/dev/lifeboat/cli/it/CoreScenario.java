package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.EmbeddedPgBinaries;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core story on one PostgreSQL major version: a full backup with the agent archiving, an
 * incremental, restores to a restore point and to a time, a drill, and a standby that follows
 * the archive and is promoted. The suite runs it on the installed server
 * ({@link CoreScenarioOnInstalledPostgresIT}) and on the oldest and the newest supported
 * versions ({@link CoreScenarioOnPostgres13IT}, {@link CoreScenarioOnPostgres18IT}): their
 * embedded servers, pinned in the parent pom as pg13.bundle and pg18.bundle, are those that
 * {@code --download-pg} fetches. Restores, the drill and the promotion are never told where the
 * server is: they find the one of the backup's major version by themselves, in Lifeboat's cache
 * of downloaded servers.
 */
abstract class CoreScenario {

    private static final String ROWS = "SELECT count(*) || ':' || coalesce(sum(id), 0) || ':' || md5(coalesce(string_agg(note, ',' ORDER BY id), ''))"
            + " FROM orders";

    private ArchivingCluster source;

    /** The major version this story runs on. */
    abstract int major();

    /** The server it runs: the pinned embedded bundle of {@link #major()}, downloaded into the test cache once. */
    PgBinaries binaries() {
        int major = major();
        String bundle = System.getProperty("pg" + major + ".bundle", EmbeddedPgBinaries.PINNED.get(major));
        assertThat(bundle).as("the bundle the pom pins for PostgreSQL " + major + " is the one --download-pg fetches")
                .isEqualTo(EmbeddedPgBinaries.PINNED.get(major));
        return EmbeddedPgBinaries.inCache(TestClusters.cacheDirectory()).obtain(bundle);
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void backupsWithTheAgentRestoreToAPointAndATimeADrillPassesAndAStandbyIsPromoted() {
        int major = major();
        PgBinaries binaries = binaries();
        assertThat(binaries.majorVersion()).isEqualTo(major);
        source = ArchivingCluster.start(builder -> builder.binaries(binaries));
        Map<String, String> env = Map.of(EmbeddedPgBinaries.CACHE_ENV, TestClusters.cacheDirectory().toString());
        source.startAgent();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        insert(1, 500, "first");
        ok(source.backup());
        insert(501, 800, "second");
        ok(source.lifeboat("backup", "--repo", source.repository().toString(), "--type", "incr",
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port())));

        insert(801, 900, "third");
        String atPoint = ClusterSql.queryForString(source.cluster(), ROWS);
        ClusterSql.execute(source.cluster(), "SELECT pg_create_restore_point('before_cleanup')");
        insert(901, 1000, "fourth");
        Instant time = Instant.parse(ClusterSql.queryForString(source.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String atTime = ClusterSql.queryForString(source.cluster(), ROWS);
        ArchivingCluster.sleep(20);
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 4 = 0");
        source.switchAndWaitForArchive();

        int port = ArchivingCluster.freePort();
        Path pointed = source.newDirectory("at-point");
        ok(source.restore(env, pointed, port, "--download-pg", "--target-name", "before_cleanup"));
        assertThat(ArchivingCluster.query(port, ROWS)).as("rows at the restore point").isEqualTo(atPoint);
        assertThat(ArchivingCluster.query(port, "SHOW server_version_num")).startsWith(Integer.toString(major));
        source.stopRestored(pointed);

        port = ArchivingCluster.freePort();
        Path timed = source.newDirectory("at-time");
        String target = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(time);
        ok(source.restore(env, timed, port, "--target-time", target));
        assertThat(ArchivingCluster.query(port, ROWS)).as("rows at " + target).isEqualTo(atTime);
        source.stopRestored(timed);

        Lifeboat.Run drill = Lifeboat.run(env, "drill", "--repo", source.repository().toString(), "--start-timeout", "120",
                "--scratch", source.newDirectory("drills").toString());
        ok(drill);
        assertThat(drill.stdout()).contains(": PASSED").contains("PostgreSQL " + major + ".");

        port = ArchivingCluster.freePort();
        Path standby = source.newDirectory("standby");
        ok(source.restore(env, standby, port, "--standby", "--set", "wal_retrieve_retry_interval=1s"));
        insert(2001, 2100, "after the standby started");
        String latest = ClusterSql.queryForString(source.cluster(), ROWS);
        source.switchAndWaitForArchive();
        awaitRows(port, latest);
        ok(Lifeboat.run(env, "promote", "--pgdata", standby.toString()));
        ArchivingCluster.execute(port, "INSERT INTO orders VALUES (-1, 'written on the promoted standby')");
        assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("f");
    }

    private void insert(int from, int to, String word) {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, '" + word + " ' || g FROM generate_series(" + from + ", " + to + ") g");
    }

    private static void ok(Lifeboat.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private static void awaitRows(int port, String expected) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String rows = ArchivingCluster.query(port, ROWS);
            if (expected.equals(rows)) {
                return;
            }
            seen.add(rows);
            ArchivingCluster.sleep(250);
        }
        throw new AssertionError("the standby on port " + port + " never had rows " + expected + " in 90 s; last " + seen.get(seen.size() - 1));
    }
}
