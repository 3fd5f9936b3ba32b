package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.StartupListener;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator backs up a streaming replica instead of the busy primary: the backup runs on the
 * standby, its WAL reaches the repository through the primary's archiver, and a restore of it
 * to a time equals the primary at that time.
 */
class StandbyBackupIT {

    private static ArchivingCluster primary;
    private static PgInstance replica;
    private static Path replicaData;
    private static int replicaPort;
    private static long nextId = 1;

    @BeforeAll
    static void aPrimaryWithABackupAndAStreamingReplica() throws Exception {
        primary = ArchivingCluster.start();
        ClusterSql.execute(primary.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        writeRows(500);
        Lifeboat.Run full = primary.backup();
        assertThat(full.exitCode()).as(full.toString()).isZero();

        replicaData = primary.newDirectory("replica");
        Files.createDirectories(replicaData, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        TestClusters.serverUser().handOver(replicaData);
        baseBackupWithStandbySettings(replicaData);
        try (PortReservation reservation = FreePort.reserve()) {
            replicaPort = reservation.port();
        }
        replica = PgInstance.builder(TestClusters.binaries(), replicaData).serverUser(TestClusters.serverUser()).build();
        replica.start(replicaPort, primary.newDirectory("replica-log").resolve("postgresql.log"));
        replica.awaitConsistent(Duration.ofSeconds(60), StartupListener.NONE);
        writeRows(300);
        awaitReplicaHasThePrimarysRows();
    }

    @AfterAll
    static void stop() {
        try {
            if (replica != null && replica.isRunning()) {
                replica.stop();
            }
        } finally {
            if (primary != null) {
                primary.close();
            }
        }
    }

    @Test
    void aBackupFromTheStandbyRestoresToATimeAndEqualsThePrimaryThen() {
        Lifeboat.Run backup = backupFromStandby("--from-standby", "--primary-port", Integer.toString(primary.port()),
                "--archive-timeout", "60");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String backupId = backup.stdout().strip();
        assertThat(backupId).matches("\\d{8}-\\d{6}F");
        assertThat(ArchivingCluster.query(replicaPort, "SELECT pg_is_in_recovery()")).as("still a standby").isEqualTo("t");

        Lifeboat.Run info = Lifeboat.run("info", "--repo", primary.repository().toString());
        assertThat(info.stdout()).contains(backupId + " was taken from a standby");
        Lifeboat.Run json = Lifeboat.run("info", "--repo", primary.repository().toString(), "--output", "json");
        assertThat(json.stdout().replace(" ", "")).contains("\"fromStandby\":true");

        // Written on the primary after the backup: the restore replays them from the primary's archive.
        writeRows(200);
        Instant target = Instant.parse(ClusterSql.queryForString(primary.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String expected = rows();
        ArchivingCluster.sleep(20);
        writeRows(100);
        ClusterSql.execute(primary.cluster(), "DELETE FROM orders WHERE id % 5 = 0");
        primary.switchAndWaitForArchive();

        Path pgdata = primary.newDirectory("restored");
        int port = ArchivingCluster.freePort();
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        Lifeboat.Run restore = primary.restore(pgdata, port, "--backup", backupId, "--target-time", time);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, PointInTimeRestoreIT.CHECKSUM)).isEqualTo(expected);
        } finally {
            primary.stopRestored(pgdata);
        }
    }

    @Test
    void withoutThePrimaryAnIdlePrimarysLastSegmentDoesNotComeAndTheHintSaysHowToFixIt() {
        // A row the replica has replayed, in the primary's current segment, which nothing completes.
        writeRows(1);
        awaitReplicaHasThePrimarysRows();
        Map<String, String> before = backupsAndData();
        BadInputIT.assertFailure(backupFromStandby("--from-standby", "--archive-timeout", "3"), 11,
                "did not reach the repository within 3s", "pass --primary-port");
        assertThat(backupsAndData()).as("the backup's data objects are removed").isEqualTo(before);
    }

    @Test
    void aStandbyWithoutFromStandbyIsRefusedWithAHintNamingIt() {
        Map<String, String> before = backupsAndData();
        BadInputIT.assertFailure(backupFromStandby(), 5, "is a standby", "--from-standby");
        assertThat(backupsAndData()).isEqualTo(before);
    }

    @Test
    void fromStandbyAgainstThePrimaryIsRefused() {
        Map<String, String> before = backupsAndData();
        Lifeboat.Run run = Lifeboat.run("backup", "--repo", primary.repository().toString(), "--pgdata", primary.dataDirectory().toString(),
                "--pg-port", Integer.toString(primary.port()), "--from-standby");
        BadInputIT.assertFailure(run, 5, "is not a standby", "leave out --from-standby");
        assertThat(backupsAndData()).isEqualTo(before);
    }

    @Test
    void aPrimaryThatIsTheStandbyItselfOrAPrimaryWithoutFromStandbyIsRefused() {
        Map<String, String> before = backupsAndData();
        BadInputIT.assertFailure(backupFromStandby("--from-standby", "--primary-port", Integer.toString(replicaPort)), 5,
                "is a standby too", "--primary-port");
        BadInputIT.assertFailure(backupFromStandby("--primary-port", Integer.toString(primary.port())), 2,
                "are for a backup --from-standby", "add --from-standby");
        assertThat(backupsAndData()).isEqualTo(before);
    }

    /**
     * The repository without its WAL: the primary's archiver keeps adding segments (and the
     * first backup's .backup file) while a refusal runs; what a refused backup must not touch
     * is the backups and their data.
     */
    private static Map<String, String> backupsAndData() {
        Map<String, String> all = new java.util.TreeMap<>(RepositorySnapshot.of(primary.repository()));
        all.keySet().removeIf(key -> key.startsWith("wal/"));
        return all;
    }

    private static Lifeboat.Run backupFromStandby(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("backup", "--repo", primary.repository().toString(),
                "--pgdata", replicaData.toString(), "--pg-port", Integer.toString(replicaPort)));
        args.addAll(List.of(more));
        return Lifeboat.run(args.toArray(String[]::new));
    }

    /** pg_basebackup -R from the primary, as the server user: the replica's files and its primary_conninfo. */
    private static void baseBackupWithStandbySettings(Path target) throws IOException, InterruptedException {
        List<String> command = TestClusters.serverUser().wrap(List.of(
                TestClusters.binaries().tool("pg_basebackup").toString(), "-h", "127.0.0.1", "-p", Integer.toString(primary.port()),
                "-U", "postgres", "-D", target.toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static void awaitReplicaHasThePrimarysRows() {
        String expected = rows();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = ArchivingCluster.query(replicaPort, PointInTimeRestoreIT.CHECKSUM);
            if (expected.equals(seen)) {
                return;
            }
            ArchivingCluster.sleep(100);
        }
        throw new AssertionError("the replica has " + seen + ", the primary " + expected);
    }

    private static void writeRows(int count) {
        long first = nextId;
        nextId += count;
        ClusterSql.execute(primary.cluster(), "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(" + first + ", "
                + (nextId - 1) + ") g");
    }

    private static String rows() {
        return ClusterSql.queryForString(primary.cluster(), PointInTimeRestoreIT.CHECKSUM);
    }
}
