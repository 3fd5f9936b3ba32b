package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly expire meets a restore during an incident: the operator restores the older of
 * two full backups while `expire --keep-full 1` runs. The restore holds a read lease, so
 * expire keeps that backup (and says who reads it), and the restore comes back with the
 * backup's rows. Once the restore is done, the next expire removes the backup. The same for
 * the nightly drill: it proves the backup instead of recording a failure for one merely expired.
 */
@RunsAlone
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadLeaseIT {

    private static final String READERS = "locks/readers/";

    private static ArchivingCluster source;
    private static String older;
    private static String newer;

    @BeforeAll
    static void twoFullBackups() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS pad FROM generate_series(1, 20000) g");
        Lifeboat.Run first = source.backup();
        assertThat(first.exitCode()).as(first.toString()).isZero();
        ClusterSql.execute(source.cluster(), "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(20001, 25000) g");
        Lifeboat.Run second = source.backup();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        older = first.stdout().strip();
        newer = second.stdout().strip();
        assertThat(backupIds()).containsExactly(older, newer);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(2)
    void anExpireDuringADrillKeepsTheBackupBeingDrilledAndTheDrillPasses() throws Exception {
        // After the restore story, one full backup is left: take a newer one, and drill the older.
        Lifeboat.Run another = source.backup();
        assertThat(another.exitCode()).as(another.toString()).isZero();
        String drilled = newer;
        assertThat(backupIds()).containsExactly(drilled, another.stdout().strip());
        Path log = source.scratch().resolve("drill.log");
        ProcessBuilder builder = new ProcessBuilder(Lifeboat.launcher().toString(), "drill", "--repo", source.repository().toString(),
                "--backup", drilled, "--target", "immediate", "--start-timeout", "120", "--max-rate", throttle(drilled) + "")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("LIFEBOAT_CONFIG");
        Process drill = builder.start();
        try {
            awaitLeaseOn(drilled);

            Lifeboat.Run expire = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");

            assertThat(expire.exitCode()).as(expire.toString()).isZero();
            assertThat(expire.stdout()).containsPattern("keep +" + drilled + " +full +being read by drill, pid " + drill.pid() + " on host ");
            assertThat(drill.isAlive()).as("the drill was still reading when expire ended").isTrue();
            assertThat(drill.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(drill.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("of backup " + drilled + ": PASSED").contains("25,000 rows in 1 tables");
        } finally {
            drill.destroyForcibly();
            drill.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(backupIds()).containsExactly(drilled, another.stdout().strip());
        assertThat(readers()).as("the drill released its lease").isEmpty();
    }

    @Test
    @Order(1)
    void anExpireDuringARestoreKeepsTheBackupBeingRestoredAndTheNextExpireRemovesIt() throws Exception {
        Path pgdata = source.newDirectory("restored");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        long rate = throttle(older);
        Path log = source.scratch().resolve("restore.log");
        ProcessBuilder builder = new ProcessBuilder(Lifeboat.launcher().toString(), "restore", "--repo", source.repository().toString(),
                "--backup", older, "--target", "immediate", "--pgdata", pgdata.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120", "--max-rate", rate + "")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("LIFEBOAT_CONFIG");
        Process restore = builder.start();
        try {
            awaitLeaseOn(older);

            Lifeboat.Run expire = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");

            assertThat(expire.exitCode()).as(expire.toString()).isZero();
            assertThat(expire.stdout()).containsPattern("keep +" + older + " +full +being read by restore, pid " + restore.pid() + " on host ");
            assertThat(backupIds()).containsExactly(older, newer);
            assertThat(restore.isAlive()).as("the restore was still reading when expire ended").isTrue();

            assertThat(restore.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(restore.exitValue()).as(Files.readString(log)).isZero();
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM t")).isEqualTo("20000");
            assertThat(readers()).as("the restore released its lease").isEmpty();
        } finally {
            restore.destroyForcibly();
            restore.waitFor(30, TimeUnit.SECONDS);
            if (Files.exists(pgdata.resolve("postmaster.pid"))) {
                source.stopRestored(pgdata);
            }
        }

        Lifeboat.Run expire = source.lifeboat("expire", "--repo", source.repository().toString(), "--keep-full", "1");

        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        assertThat(backupIds()).containsExactly(newer);
        assertThat(source.repository().resolve("data").resolve(older)).doesNotExist();
    }

    /** Slow enough that the reader still reads the backup's data objects (some 20 s) while expire runs. */
    private static long throttle(String backupId) throws IOException {
        return Math.max(64 * 1024, bytesUnder(source.repository().resolve("data").resolve(backupId)) / 20);
    }

    private static void awaitLeaseOn(String backupId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (readers().stream().noneMatch(k -> k.startsWith(READERS + backupId + "."))) {
            assertThat(System.nanoTime()).as("the reader took its read lease on " + backupId + " within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static List<String> readers() {
        return namesIn(READERS, "").stream().map(n -> READERS + n).toList();
    }

    private static List<String> backupIds() {
        return namesIn("backups/", ".manifest").stream().map(n -> n.substring(0, n.length() - ".manifest".length())).toList();
    }

    private static List<String> namesIn(String prefix, String suffix) {
        Path dir = source.repository().resolve(prefix);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix) && !n.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
