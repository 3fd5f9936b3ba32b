package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ShutdownMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With streaming on, the segment PostgreSQL is still writing reaches the repository within a
 * second of a commit: a primary that dies a second after committing loses nothing a restore
 * to latest cannot bring back. The slot that makes this possible is reported when it keeps
 * WAL, and dropped with one command.
 */
@RunsAlone
class StreamingIT {

    @Test
    void rowsCommittedASecondBeforeThePrimaryDiedAreRestored() {
        try (ArchivingCluster source = ArchivingCluster.start(); AgentProcess agent = source.startAgent("--stream")) {
            agent.awaitLog("streaming WAL from", Duration.ofSeconds(60));
            ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id int PRIMARY KEY, note text)");
            Lifeboat.Run backup = source.backup();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();

            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'committed ' || g FROM generate_series(1, 500) g");
            String segment = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            ArchivingCluster.sleep(1000);
            agent.kill(); // the whole machine dies: the agent with it
            source.cluster().stop(ShutdownMode.IMMEDIATE);

            Path archived = source.repository().resolve("wal").resolve(segment.substring(0, 8)).resolve(segment.substring(0, 16));
            assertThat(listing(archived)).as("the segment with the rows was never archived").noneMatch(n -> n.startsWith(segment));
            assertThat(source.repository().resolve("stream").resolve(segment.substring(0, 8)).resolve(segment + ".zst")).exists();

            int port = freePort();
            Lifeboat.Run restore = source.restore(source.newDirectory("after-crash"), port, "--target", "latest");
            assertThat(restore.exitCode()).as(restore + "\nagent:\n" + agent.log()).isZero();
            assertThat(ArchivingCluster.query(port, "SELECT count(*) || ':' || max(id) FROM orders")).isEqualTo("500:500");

            Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();
            assertThat(check.stdout()).contains("streamed: " + segment);
        }
    }

    @Test
    void aSlotLeftBehindByAStoppedAgentIsReportedAndDroppedWithOneCommand() {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            Lifeboat.Run backup = source.backup(); // a repository without a backup fails check for that alone
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            AgentProcess agent = source.startAgent("--stream", "--slot", "lifeboat_test");
            agent.awaitLog("streaming WAL from", Duration.ofSeconds(60));
            assertThat(agent.stop()).isZero();
            for (int i = 0; i < 3; i++) {
                source.switchAndWaitForArchive();
            }
            ClusterSql.execute(source.cluster(), "SELECT pg_switch_wal()");

            String port = Integer.toString(source.port());
            Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString(), "--pgdata",
                    source.dataDirectory().toString(), "--pg-host", "127.0.0.1", "--pg-port", port, "--max-slot-lag", "1");
            assertThat(check.exitCode()).as(check.toString()).isEqualTo(13);
            assertThat(check.stdout()).contains("slot lifeboat_test (physical, inactive)")
                    .contains("FAIL: replication slot lifeboat_test (inactive) keeps").contains("--drop-slot --slot lifeboat_test");

            Lifeboat.Run drop = Lifeboat.run("agent", "--drop-slot", "--slot", "lifeboat_test", "--repo", source.repository().toString(),
                    "--pgdata", source.dataDirectory().toString(), "--pg-host", "127.0.0.1", "--pg-port", port);
            assertThat(drop.exitCode()).as(drop.toString()).isZero();
            assertThat(drop.stdout()).contains("dropped replication slot lifeboat_test");
            assertThat(ClusterSql.queryForString(source.cluster(), "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
            Lifeboat.Run again = Lifeboat.run("check", "--repo", source.repository().toString(), "--pgdata",
                    source.dataDirectory().toString(), "--pg-host", "127.0.0.1", "--pg-port", port, "--max-slot-lag", "1");
            assertThat(again.exitCode()).as(again.toString()).isZero();
        }
    }

    private static java.util.List<String> listing(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        } catch (java.io.IOException e) {
            return java.util.List.of();
        }
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
