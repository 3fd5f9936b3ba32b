package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restore with WAL prefetching: the same rows as without it, and a corrupt segment in the
 * repository still stops recovery (restore_command exits above 125) instead of letting the
 * instance promote early. `check` finds a missing segment before a restore would.
 */
class PrefetchIT {

    private static final String ROWS = "SELECT count(*) || ':' || md5(string_agg(id || note, ',' ORDER BY id)) FROM events";

    private static ArchivingCluster source;
    private static String expected;
    private static String middle;

    @BeforeAll
    static void clusterWithSeveralSegmentsAfterItsBackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE events (id int PRIMARY KEY, note text)");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        for (int i = 0; i < 6; i++) {
            ClusterSql.execute(source.cluster(), "INSERT INTO events SELECT g, md5(g::text) FROM generate_series(" + (i * 20000 + 1) + ", "
                    + ((i + 1) * 20000) + ") g");
            String segment = source.switchAndWaitForArchive();
            if (i == 2) {
                middle = segment;
            }
        }
        expected = ClusterSql.queryForString(source.cluster(), ROWS);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void aRestoreWithPrefetchEqualsOneWithoutRowForRow() {
        int withoutPort = freePort();
        Lifeboat.Run without = source.restore(source.newDirectory("no-prefetch"), withoutPort, "--prefetch", "0");
        assertThat(without.exitCode()).as(without.toString()).isZero();
        int withPort = freePort();
        Path restored = source.newDirectory("prefetch");
        Lifeboat.Run with = source.restore(restored, withPort, "--prefetch", "4");
        assertThat(with.exitCode()).as(with.toString()).isZero();

        assertThat(ArchivingCluster.query(withoutPort, ROWS)).isEqualTo(expected);
        assertThat(ArchivingCluster.query(withPort, ROWS)).isEqualTo(expected);
        assertThat(restored.resolve("pg_wal/.lifeboat")).as("the spool is gone once the instance is open").doesNotExist();
    }

    @Test
    void aCorruptSegmentStopsRecoveryInsteadOfPromotingEarly() throws IOException {
        Path damaged = copyOfRepository("damaged");
        Path object = objectOf(damaged, middle);
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length - 100] ^= 0x20;
        Files.write(object, bytes);
        TestClusters.serverUser().handOver(damaged); // restore_command reads it as the server's user

        Path restored = source.newDirectory("from-damaged");
        Lifeboat.Run restore = Lifeboat.run("restore", "--repo", damaged.toString(), "--pgdata", restored.toString(),
                "--port", Integer.toString(freePort()), "--start-timeout", "120");
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(12);
        assertThat(restore.stderr()).contains("recovery stopped: restore_command could not deliver WAL file " + middle
                + ": corrupt object " + damaged.relativize(object));
        assertThat(restored.resolve("pg_wal/00000002.history")).as("never promoted").doesNotExist();
    }

    @Test
    void checkListsAMissingSegmentBeforeARestoreNeedsIt() throws IOException {
        Lifeboat.Run healthy = Lifeboat.run("check", "--repo", source.repository().toString());
        assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
        assertThat(healthy.stdout()).contains("no gap").contains("PASS");

        Path gapped = copyOfRepository("gapped");
        Files.delete(objectOf(gapped, middle));
        Lifeboat.Run check = Lifeboat.run("check", "--repo", gapped.toString(), "--output", "json");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(13);
        assertThat(check.stdout()).contains("\"firstMissing\" : \"" + middle + "\"");
        Lifeboat.Run text = Lifeboat.run("check", "--repo", gapped.toString());
        assertThat(text.stdout()).contains("GAP: missing " + middle + ".." + middle).contains("FAIL: timeline 1: WAL " + middle);
    }

    private static Path copyOfRepository(String name) throws IOException {
        Path copy = source.newDirectory(name);
        try (Stream<Path> walk = Files.walk(source.repository())) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = copy.resolve(source.repository().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static Path objectOf(Path repository, String segment) throws IOException {
        try (Stream<Path> files = Files.walk(repository.resolve("wal"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        }
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
