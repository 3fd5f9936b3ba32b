package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad input gets one line naming the problem, a hint, its documented exit code, no
 * stack trace, and leaves the repository exactly as it was.
 */
class BadInputIT extends RefusalTests {

    @BeforeAll
    static void clusterWithABackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g");
        assertThat(source.backup().exitCode()).isZero();
        ClusterSql.execute(source.cluster(), "INSERT INTO t SELECT g FROM generate_series(101, 200) g");
        source.switchAndWaitForArchive();
    }

    @Test
    void aMissingRepository() {
        Lifeboat.Run run = Lifeboat.run("info", "--repo", source.scratch().resolve("no-such-repository").toString());
        assertFailure(run, 4, "no Lifeboat repository at", "lifeboat init");
    }

    @Test
    void theRepositoryOfAnotherCluster() {
        try (ArchivingCluster other = ArchivingCluster.startWithoutInit()) {
            Lifeboat.Run backup = Lifeboat.run("backup", "--repo", source.repository().toString(),
                    "--pgdata", other.dataDirectory().toString(), "--pg-port", Integer.toString(other.port()));
            assertFailure(backup, 4, "belongs to cluster", "own repository");

            Lifeboat.Run init = Lifeboat.run("init", "--repo", source.repository().toString(),
                    "--pgdata", other.dataDirectory().toString(), "--pg-port", Integer.toString(other.port()));
            assertFailure(init, 4, "belongs to cluster", "another --repo");

            // archive_command of the other cluster pointed at this repository: refused, nothing stored.
            String segment = ClusterSql.queryForString(other.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            Path walFile = other.dataDirectory().resolve("pg_wal").resolve(segment);
            Lifeboat.Run push = Lifeboat.run("wal-push", "--repo", source.repository().toString(), walFile.toString());
            assertFailure(push, 4, "is from cluster", "this cluster's own repository");
        }
    }

    @Test
    void anUnreachableServer() {
        int closedPort;
        try (PortReservation reservation = FreePort.reserve()) {
            closedPort = reservation.port();
        }
        Lifeboat.Run run = Lifeboat.run("backup", "--repo", source.repository().toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(closedPort));
        assertFailure(run, 5, "cannot connect to PostgreSQL at localhost:" + closedPort, "--pg-port");
    }

    @Test
    void aDataDirectoryThatIsNotTheServers() throws IOException {
        Path elsewhere = Files.createDirectories(source.newDirectory("not-pgdata"));
        Lifeboat.Run run = Lifeboat.run("backup", "--repo", source.repository().toString(),
                "--pgdata", elsewhere.toString(), "--pg-port", Integer.toString(source.port()));
        assertFailure(run, 5, "is not the data directory of the server", "--pgdata");
    }

    @Test
    void aTargetBeforeTheOldestBackup() {
        Lifeboat.Run run = restore("--target-time", "2000-01-01 00:00:00+00");
        assertFailure(run, 6, "before the end of the oldest backup", "earliest time");
    }

    @Test
    void aTargetAfterTheLastArchivedWal() {
        Lifeboat.Run time = restore("--target-time", "2099-01-01 00:00:00+00");
        assertFailure(time, 6, "after the last archived WAL", "--target latest");
        Lifeboat.Run lsn = restore("--target-lsn", "FF/0");
        assertFailure(lsn, 6, "after the last archived WAL", "wait for more WAL");
    }

    @Test
    void aTimeWithoutAZone() {
        assertFailure(restore("--target-time", "2026-11-20 14:03:00"), 2, "cannot read target time", "time zone");
    }

    @Test
    void aRestoreIntoADirectoryThatIsNotEmpty() throws IOException {
        Path used = Files.createDirectories(source.newDirectory("used"));
        Files.writeString(used.resolve("PG_VERSION"), "15\n");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run run = Lifeboat.run("restore", "--repo", source.repository().toString(), "--pgdata", used.toString(),
                "--port", Integer.toString(port));
        assertFailure(run, 7, "is not empty", "never overwrites");
        assertThat(used.resolve("PG_VERSION")).hasContent("15");
    }

    @Test
    void aPortInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path pgdata = source.newDirectory("restored");
            Lifeboat.Run run = Lifeboat.run("restore", "--repo", source.repository().toString(), "--pgdata", pgdata.toString(),
                    "--port", Integer.toString(taken.getLocalPort()));
            assertFailure(run, 7, "port " + taken.getLocalPort() + " is in use", "free --port");
            assertThat(pgdata).doesNotExist();
        }
    }

    @Test
    void anUnknownFlagAndAMissingOption() {
        assertFailure(Lifeboat.run("backup", "--no-such-flag"), 2, "Unknown option", "--help");
        assertFailure(Lifeboat.run("info"), 2, "--repo is required", "LIFEBOAT_REPO");
    }

    @Test
    void anUnknownBackup() {
        assertFailure(restore("--backup", "20000101-000000F"), 4, "no backup 20000101-000000F", "lifeboat info");
    }

    private static Lifeboat.Run restore(String... target) {
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        List<String> args = new java.util.ArrayList<>(List.of("restore", "--repo", source.repository().toString(),
                "--pgdata", source.newDirectory("refused").toString(), "--port", Integer.toString(port)));
        args.addAll(List.of(target));
        return Lifeboat.run(args.toArray(String[]::new));
    }

    /** One error line naming the problem, one hint line, the exit code, no stack trace. */
    static void assertFailure(Lifeboat.Run run, int exitCode, String problem, String hint) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        List<String> lines = run.stderrLines();
        assertThat(lines).as(run.toString()).hasSize(2);
        assertThat(lines.get(0)).startsWith("lifeboat: error: ").contains(problem);
        assertThat(lines.get(1)).startsWith("  hint: ").contains(hint);
        assertThat(run.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
    }
}
