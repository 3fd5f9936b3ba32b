package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A warm standby in "another region": it has no network path to the primary, only the
 * repository. It follows the WAL the primary archives after it started, then is promoted and
 * takes writes, without ever writing into the repository.
 */
class StandbyIT {

    @Test
    void aStandbyFollowsTheArchiveThenIsPromotedAndTakesWrites() {
        try (ArchivingCluster primary = ArchivingCluster.start()) {
            ClusterSql.execute(primary.cluster(), "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g");
            assertThat(primary.backup().exitCode()).isZero();
            Path pgdata = primary.newDirectory("standby");
            int port;
            try (PortReservation reservation = FreePort.reserve()) {
                port = reservation.port();
            }

            Lifeboat.Run standby = primary.restore(pgdata, port, "--standby", "--set", "wal_retrieve_retry_interval=1s");
            assertThat(standby.exitCode()).as(standby.toString()).isZero();
            assertThat(standby.stdout()).contains("standby on port " + port).contains("lifeboat promote --pgdata " + pgdata);
            assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("t");
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders")).isEqualTo("1000");

            // Written on the primary after the standby started: it gets there through the archive only.
            ClusterSql.execute(primary.cluster(), "INSERT INTO orders SELECT g FROM generate_series(1001, 1500) g");
            ClusterSql.execute(primary.cluster(), "DELETE FROM orders WHERE id <= 100");
            primary.switchAndWaitForArchive();
            awaitRows(port, "1400");

            Map<String, String> before = RepositorySnapshot.of(primary.repository());
            Lifeboat.Run promote = Lifeboat.run("promote", "--pgdata", pgdata.toString());
            assertThat(promote.exitCode()).as(promote.toString()).isZero();
            assertThat(promote.stdout()).contains("promoted " + pgdata).contains("open for writes on port " + port);
            assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("f");
            ArchivingCluster.execute(port, "INSERT INTO orders VALUES (-1)");
            ArchivingCluster.execute(port, "SELECT pg_switch_wal()");
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders")).isEqualTo("1401");
            assertThat(RepositorySnapshot.of(primary.repository())).as("the promoted copy archives nowhere").isEqualTo(before);

            BadInputIT.assertFailure(Lifeboat.run("promote", "--pgdata", pgdata.toString()), 12, "could not promote", "only a standby");
        }
    }

    @Test
    void aStandbyTakesNoTargetAndOnlyARunningStandbyCanBePromoted() {
        Lifeboat.Run withTarget = Lifeboat.run("restore", "--repo", "/nonexistent", "--pgdata", "/tmp/x", "--port", "5999",
                "--standby", "--target", "immediate");
        BadInputIT.assertFailure(withTarget, 2, "--standby takes no target", "replays all archived WAL");

        Path nowhere = Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-no-such-standby-" + System.nanoTime());
        BadInputIT.assertFailure(Lifeboat.run("promote", "--pgdata", nowhere.toString()), 2, "is not a PostgreSQL data directory",
                "standby's data directory");
    }

    private static void awaitRows(int port, String expected) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        String rows = null;
        while (System.nanoTime() < deadline) {
            rows = ArchivingCluster.query(port, "SELECT count(*) FROM orders");
            if (expected.equals(rows)) {
                return;
            }
            ArchivingCluster.sleep(250);
        }
        throw new AssertionError("the standby on port " + port + " has " + rows + " rows, not " + expected + ", after 90 s");
    }
}
