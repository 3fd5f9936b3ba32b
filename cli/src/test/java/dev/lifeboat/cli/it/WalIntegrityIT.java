package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WAL in the repository must be what its name says, and damage to it is named wherever it is
 * met. An object holding another segment's WAL (stored by a Lifeboat that did not check) stalls
 * archiving for good: check and verify name it, and wal-push --replace-invalid moves it aside so
 * that the real segment is archived and a restore replays it. A corrupt WAL object that stops a
 * restore's recovery is named in restore's own message.
 */
class WalIntegrityIT {

    private static ArchivingCluster source;
    /** The segment holding the backup's end: real WAL of this cluster, under another name it is a wrong object. */
    private static String backupEnd;

    @BeforeAll
    static void clusterWithABackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE story (note text)");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupEnd = newestArchived(source.repository());
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void aWrongObjectUnderASegmentsNameIsNamedThenReplacedByTheRealSegment() throws IOException {
        // Given: the next segment's name already holds other WAL, as a Lifeboat that did not check could have stored it.
        ClusterSql.execute(source.cluster(), "INSERT INTO story VALUES ('before the stall')");
        String current = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
        String next = WalSegmentName.parse(current).next().fileName();
        Path otherWal = source.scratch().resolve("other-" + System.nanoTime());
        assertThat(Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), backupEnd, otherWal.toString()).exitCode()).isZero();
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
            repository.wal().push(next, otherWal, ObjectCodec.sha256(otherWal), null);
        }
        String wrongObject = objectOf(source.repository(), next);

        // When PostgreSQL finishes that segment, archiving stalls on it, and the refusal says why.
        ClusterSql.execute(source.cluster(), "SELECT pg_switch_wal()");
        source.waitForSegment(current);
        ClusterSql.execute(source.cluster(), "INSERT INTO story VALUES ('in the segment whose name was taken')");
        ClusterSql.execute(source.cluster(), "SELECT pg_switch_wal()");
        awaitArchiveFailure(next);
        assertThat(Files.readString(source.cluster().logFile()))
                .contains("the stored copy is not segment " + next + ": it holds the WAL of " + backupEnd)
                .contains("--replace-invalid");

        // check and verify name the object.
        Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString());
        assertThat(check.exitCode()).as(check.toString()).isNotZero();
        assertThat(check.stdout()).contains("FAIL: WAL object " + wrongObject + " is not segment " + next
                + ": it holds the WAL of " + backupEnd);
        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", source.repository().toString());
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        assertThat(verify.stdout()).contains("CORRUPT " + wrongObject + " (" + next + "): WAL object " + wrongObject
                + " is not segment " + next + ": it holds the WAL of " + backupEnd);

        // The repair moves it aside, keeping it, and archives the real segment in its place.
        Lifeboat.Run repair = Lifeboat.run("wal-push", "--replace-invalid", "--ahead", "0", "--repo", source.repository().toString(),
                source.dataDirectory().resolve("pg_wal").resolve(next).toString());
        assertThat(repair.exitCode()).as(repair.toString()).isZero();
        assertThat(repair.stderr()).contains("moved " + wrongObject + " aside to quarantine/" + wrongObject);
        assertThat(source.repository().resolve("quarantine").resolve(wrongObject)).isRegularFile();
        assertThat(objectOf(source.repository(), next)).isNotEqualTo(wrongObject);

        // Archiving goes on; verify passes; a restore to the latest point replays the real segment.
        source.switchAndWaitForArchive();
        Lifeboat.Run verified = Lifeboat.run("verify", "--repo", source.repository().toString());
        assertThat(verified.exitCode()).as(verified.toString()).isZero();
        Path pgdata = source.newDirectory("restored");
        int port = freePort();
        Lifeboat.Run restore = source.restore(pgdata, port, "--target", "latest");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM story WHERE note IN ('before the stall',"
                    + " 'in the segment whose name was taken')")).isEqualTo("2");
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    void restoreNamesTheCorruptWalObjectThatStoppedRecovery() throws IOException {
        ClusterSql.execute(source.cluster(), "INSERT INTO story VALUES ('needs WAL after the backup')");
        String after = source.switchAndWaitForArchive();
        Path damaged = source.newDirectory("damaged");
        copyTree(source.repository(), damaged);
        Path object = damaged.resolve(objectOf(damaged, after));
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length - 100] ^= 0x20;
        Files.write(object, bytes);
        TestClusters.serverUser().handOver(damaged); // restore_command reads it as the server's user
        Path pgdata = source.newDirectory("stopped");

        Lifeboat.Run restore = Lifeboat.run("restore", "--repo", damaged.toString(), "--pgdata", pgdata.toString(),
                "--port", Integer.toString(freePort()), "--start-timeout", "120", "--target", "latest");

        BadInputIT.assertFailure(restore, 12, "recovery stopped: restore_command could not deliver WAL file " + after
                + ": corrupt object " + damaged.relativize(object), "lifeboat verify");
    }

    /** Waits until PostgreSQL's archiver reports that archiving {@code segment} failed. */
    private static void awaitArchiveFailure(String segment) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!segment.equals(ClusterSql.queryForString(source.cluster(), "SELECT coalesce(last_failed_wal, '') FROM pg_stat_archiver"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("archiving " + segment + " did not fail within 60 s; server log: " + source.cluster().logFile());
            }
            ArchivingCluster.sleep(100);
        }
    }

    /** The key of the WAL object stored for {@code segment}. */
    private static String objectOf(Path repository, String segment) throws IOException {
        try (Stream<Path> walk = Files.walk(repository.resolve("wal"))) {
            Path object = walk.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
            return repository.relativize(object).toString();
        }
    }

    private static String newestArchived(Path repository) {
        try (Stream<Path> walk = Files.walk(repository.resolve("wal"))) {
            return walk.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}-[0-9a-f]{64}\\.zst"))
                    .max(String::compareTo).orElseThrow().substring(0, 24);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().startsWith(".tmp-")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
