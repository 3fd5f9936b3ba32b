package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * archive_command and restore_command semantics, as PostgreSQL relies on them: an identical
 * re-push succeeds, a different file under an archived name is refused and changes nothing,
 * a missing file is exit 1, and anything else (corruption, an unreadable repository) exits
 * above 125 so that PostgreSQL stops recovery instead of promoting early.
 */
class WalCommandsIT {

    private static ArchivingCluster source;
    private static String segment;

    @BeforeAll
    static void clusterWithArchivedWal() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
        segment = source.switchAndWaitForArchive();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void fetchDeliversTheExactSegmentAndSaysWhenThereIsNone() throws IOException {
        Path destination = source.scratch().resolve("RECOVERYXLOG-" + System.nanoTime());
        Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), segment, destination.toString());
        assertThat(fetch.exitCode()).as(fetch.toString()).isZero();
        assertThat(Files.size(destination)).isEqualTo(16L << 20);
        assertThat(Files.readAllBytes(destination)).isEqualTo(Files.readAllBytes(archivedCopyOnServer()));

        Lifeboat.Run missing = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), "0000000100000000000000FF",
                source.scratch().resolve("x").toString());
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(1);
        Lifeboat.Run missingHistory = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), "00000009.history",
                source.scratch().resolve("y").toString());
        assertThat(missingHistory.exitCode()).isEqualTo(1);
    }

    @Test
    void anIdenticalRePushSucceedsAndADifferentFileIsRefused() throws IOException {
        Path copy = source.scratch().resolve("push-" + System.nanoTime()).resolve(segment);
        Files.createDirectories(copy.getParent());
        Files.copy(archivedCopyOnServer(), copy);
        Map<String, String> before = RepositorySnapshot.of(source.repository());

        Lifeboat.Run again = Lifeboat.run("wal-push", "--repo", source.repository().toString(), copy.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();

        byte[] bytes = Files.readAllBytes(copy);
        bytes[bytes.length / 2] ^= 1;
        Files.write(copy, bytes);
        Lifeboat.Run different = Lifeboat.run("wal-push", "--repo", source.repository().toString(), copy.toString());
        BadInputIT.assertFailure(different, 10, "already archived", "own repository");
        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);
    }

    @Test
    void aFileThatIsNotTheSegmentItsNameSaysIsRefusedAndNothingIsStored() throws IOException {
        String later = WalSegmentName.of(1, WalSegmentName.parse(segment).segmentNumber() + 64, WalSegmentSize.DEFAULT).fileName();
        Path misnamed = source.scratch().resolve("misnamed-" + System.nanoTime()).resolve(later);
        Files.createDirectories(misnamed.getParent());
        Files.copy(archivedCopyOnServer(), misnamed);
        Map<String, String> before = RepositorySnapshot.of(source.repository());

        Lifeboat.Run other = Lifeboat.run("wal-push", "--repo", source.repository().toString(), misnamed.toString());
        BadInputIT.assertFailure(other, 9, later + " holds the WAL of " + segment, "not the segment its name says");

        Files.write(misnamed, Arrays.copyOf(Files.readAllBytes(archivedCopyOnServer()), 8 << 20));
        Lifeboat.Run shorter = Lifeboat.run("wal-push", "--repo", source.repository().toString(), misnamed.toString());
        BadInputIT.assertFailure(shorter, 9, later + " is 8388608 bytes, not a whole segment", "not the segment its name says");

        assertThat(RepositorySnapshot.of(source.repository())).isEqualTo(before);
    }

    @Test
    void aCorruptObjectStopsRecoveryInsteadOfEndingIt() throws IOException {
        Path damaged = source.scratch().resolve("damaged-" + System.nanoTime());
        copyTree(source.repository(), damaged);
        Path object;
        try (Stream<Path> files = Files.walk(damaged.resolve("wal"))) {
            object = files.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length - 100] ^= 0x20;
        Files.write(object, bytes);

        Path destination = source.scratch().resolve("RECOVERYXLOG-" + System.nanoTime());
        Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", damaged.toString(), segment, destination.toString());
        assertThat(fetch.exitCode()).as(fetch.toString()).isGreaterThan(125);
        assertThat(fetch.stderr()).contains("corrupt object").contains(segment);
        assertThat(destination).doesNotExist();

        Lifeboat.Run unreadable = Lifeboat.run("wal-fetch", "--repo", source.scratch().resolve("gone").toString(), segment,
                destination.toString());
        assertThat(unreadable.exitCode()).as(unreadable.toString()).isGreaterThan(125);
        Lifeboat.Run badArguments = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), segment);
        assertThat(badArguments.exitCode()).as(badArguments.toString()).isGreaterThan(125);
    }

    /** PostgreSQL keeps the segment in pg_wal until it is recycled; a copy from the repository is the reference. */
    private static Path archivedCopyOnServer() throws IOException {
        Path reference = source.scratch().resolve("reference-" + segment);
        if (!Files.exists(reference)) {
            Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", source.repository().toString(), segment, reference.toString());
            assertThat(fetch.exitCode()).isZero();
            Path onServer = source.dataDirectory().resolve("pg_wal").resolve(segment);
            if (Files.exists(onServer)) {
                assertThat(Files.readAllBytes(reference)).isEqualTo(Files.readAllBytes(onServer));
            }
        }
        return reference;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
