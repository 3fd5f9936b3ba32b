package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Someone with write access to the bucket of an encrypted repository changes objects: a flipped
 * byte, a truncated object, two WAL objects swapped, an old manifest put back under another
 * backup's name. verify names each object as failing authentication (exit 9) and goes on to the
 * others; restore refuses with exit 9 naming it before an instance starts, and a WAL segment that
 * fails during recovery stops recovery (exit 12) instead of promoting. No command changes a byte
 * of the repository.
 */
class TamperedEncryptedRepositoryIT {

    private static final String FAILED = "failed authentication: it was tampered with";

    private static TestKeyFile key;
    private static Path keyFile;
    private static ArchivingCluster source;
    private static String older;
    private static String newer;

    @BeforeAll
    static void encryptedRepositoryWithTwoBackupsAndWal() throws IOException {
        key = TestKeyFile.create("lifeboat-tamper-keys-");
        keyFile = key.path();
        source = ArchivingCluster.startEncrypted(key);
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g");
        ok(lifeboat("backup", source.repository(), "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port())));
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(501, 900) g");
        ok(lifeboat("backup", source.repository(), "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port())));
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'later ' || g FROM generate_series(901, 1200) g");
        source.switchAndWaitForArchive();
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'later ' || g FROM generate_series(1201, 1300) g");
        source.switchAndWaitForArchive();
        List<String> manifests = files(source.repository(), "backups").stream().map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".manifest")).map(n -> n.substring(0, n.length() - ".manifest".length())).sorted().toList();
        assertThat(manifests).hasSize(2);
        older = manifests.get(0);
        newer = manifests.get(1);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (key != null) {
            key.close();
        }
    }

    @Test
    void verifyNamesEveryTamperedObjectAndChangesNothing() throws IOException {
        Path repo = copy("verify-copy");
        String manifest = "backups/" + newer + ".manifest";
        String dataObject = relative(repo, files(repo, "data/" + older).get(0));
        String truncated = relative(repo, files(repo, "data/" + older).get(1)); // the newer backup's objects are not read: its manifest fails
        List<Path> wal = walSegments(repo);
        String flippedWal = relative(repo, wal.get(wal.size() - 1));
        String swappedWal = relative(repo, wal.get(wal.size() - 2));
        flip(repo.resolve(manifest));
        flip(repo.resolve(dataObject));
        truncate(repo.resolve(truncated));
        flip(repo.resolve(flippedWal));
        Files.copy(wal.get(wal.size() - 3), repo.resolve(swappedWal), StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> before = snapshot(repo);

        Lifeboat.Run verify = lifeboat("verify", repo);

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        String output = verify.stdout() + verify.stderr();
        for (String object : List.of(manifest, dataObject, truncated, flippedWal, swappedWal)) {
            assertThat(output).as("verify names " + object).contains(object);
        }
        assertThat(output).contains(FAILED);
        assertThat(output.lines().filter(l -> l.startsWith("  CORRUPT " + dataObject)).count()).as("named once").isEqualTo(1);
        assertThat(snapshot(repo)).as("the repository is unchanged").isEqualTo(before);
    }

    @Test
    void aFlippedByteInADataObjectIsRefusedBeforeAnInstanceStarts() throws IOException {
        Path repo = copy("data-copy");
        String object = relative(repo, files(repo, "data/" + newer).get(0));
        flip(repo.resolve(object));
        assertRestoreRefused(repo, object, "--backup", newer);
    }

    @Test
    void aTruncatedDataObjectIsRefused() throws IOException {
        Path repo = copy("truncated-copy");
        String object = relative(repo, files(repo, "data/" + newer).get(0));
        truncate(repo.resolve(object));
        assertRestoreRefused(repo, object, "--backup", newer);
    }

    @Test
    void aFlippedByteInAManifestIsRefused() throws IOException {
        Path repo = copy("manifest-copy");
        String object = "backups/" + newer + ".manifest";
        flip(repo.resolve(object));
        assertRestoreRefused(repo, object, "--backup", newer);
    }

    @Test
    void anOlderBackupsManifestPutBackUnderTheNewerOnesNameIsRefused() throws IOException {
        Path repo = copy("replayed-copy");
        String object = "backups/" + newer + ".manifest";
        Files.copy(repo.resolve("backups/" + older + ".manifest"), repo.resolve(object), StandardCopyOption.REPLACE_EXISTING);
        assertRestoreRefused(repo, object, "--backup", newer);
    }

    @Test
    void aWalSegmentThatFailsAuthenticationDuringRecoveryStopsRecoveryInsteadOfPromoting() throws IOException {
        Path repo = copy("wal-copy");
        List<Path> wal = walSegments(repo);
        String object = relative(repo, wal.get(wal.size() - 2)); // replayed after the newest backup
        flip(repo.resolve(object));
        assertRecoveryStopped(repo, object);
    }

    @Test
    void twoSwappedWalSegmentsStopRecovery() throws IOException {
        Path repo = copy("swap-copy");
        List<Path> wal = walSegments(repo);
        Path a = wal.get(wal.size() - 2);
        Path b = wal.get(wal.size() - 1);
        byte[] bytesA = Files.readAllBytes(a);
        Files.write(a, Files.readAllBytes(b));
        Files.write(b, bytesA);
        assertRecoveryStopped(repo, relative(repo, a));
    }

    @Test
    void aFlippedByteInATimelineHistoryFileStopsTheRestoreThatFollowsIt() throws IOException {
        Path repo = copy("history-copy");
        Path promoted = source.newDirectory("promoted-" + repo.getFileName());
        int port = ArchivingCluster.freePort();
        // a restored instance that replaces the source as primary archives timeline 2's history into the repository
        Lifeboat.Run restore = lifeboat("restore", repo, "--pgdata", promoted.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120", "--target", "latest", "--archive-to", "same");
        Path history;
        try {
            ok(restore);
            history = awaitFile(repo, "00000002.history");
        } finally {
            source.stopRestored(promoted);
        }
        String object = relative(repo, history);
        flip(history);
        Map<String, String> before = snapshot(repo);
        Path pgdata = source.newDirectory("history-restore");

        Lifeboat.Run again = lifeboat("restore", repo, "--pgdata", pgdata.toString(), "--port", Integer.toString(ArchivingCluster.freePort()),
                "--start-timeout", "120", "--target", "latest");
        try {
            assertThat(again.exitCode()).as(again.toString()).isIn(9, 12);
            String log = Files.exists(pgdata.resolve("lifeboat-restore.log")) ? Files.readString(pgdata.resolve("lifeboat-restore.log")) : "";
            assertThat(again.stderr() + log).contains(object).contains(FAILED);
            assertThat(log).as("never promoted").doesNotContain("database system is ready to accept connections");
            assertThat(snapshot(repo)).as("the repository is unchanged").isEqualTo(before);
        } finally {
            source.stopRestored(pgdata);
        }
    }

    /** A copy of the source's repository that the server user may read and write, as the original. */
    private static Path copy(String name) {
        Path repo = source.copyOfTheRepository(name);
        TestClusters.serverUser().handOver(repo);
        return repo;
    }

    private static Path awaitFile(Path repo, String prefix) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            var found = files(repo, "wal").stream().filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            ArchivingCluster.sleep(200);
        }
        throw new AssertionError(prefix + " was not archived into " + repo + " within 60 s");
    }

    private void assertRestoreRefused(Path repo, String object, String... target) {
        Map<String, String> before = snapshot(repo);
        Path pgdata = source.newDirectory("never-" + repo.getFileName());
        List<String> args = new ArrayList<>(List.of("--pgdata", pgdata.toString(), "--port", Integer.toString(ArchivingCluster.freePort())));
        args.addAll(List.of(target));

        Lifeboat.Run restore = lifeboat("restore", repo, args.toArray(String[]::new));

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(9);
        assertThat(restore.stderr()).contains(object).contains(FAILED);
        assertThat(pgdata).as("nothing is left to start").doesNotExist();
        assertThat(snapshot(repo)).as("the repository is unchanged").isEqualTo(before);
    }

    private void assertRecoveryStopped(Path repo, String object) throws IOException {
        Map<String, String> before = snapshot(repo);
        Path pgdata = source.newDirectory("stopped-" + repo.getFileName());
        int port = ArchivingCluster.freePort();

        Lifeboat.Run restore = lifeboat("restore", repo, "--pgdata", pgdata.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120", "--target", "latest");
        try {
            assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(12);
            String log = Files.readString(pgdata.resolve("lifeboat-restore.log"));
            assertThat(restore.stderr() + log).contains(object).contains(FAILED);
            assertThat(log).as("never promoted").doesNotContain("database system is ready to accept connections")
                    .doesNotContain("selected new timeline ID");
            assertThat(snapshot(repo)).as("the repository is unchanged").isEqualTo(before);
        } finally {
            source.stopRestored(pgdata);
        }
    }

    private static Lifeboat.Run lifeboat(String command, Path repo, String... args) {
        return key.lifeboat(repo, command, args);
    }

    private static void ok(Lifeboat.Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    /** WAL segments (not history files, not partial ones), in name order. */
    private static List<Path> walSegments(Path repo) {
        return files(repo, "wal").stream().filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}-.*")).toList();
    }

    private static List<Path> files(Path repo, String under) {
        try (Stream<Path> walk = Files.walk(repo.resolve(under))) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".tmp-"))
                    .sorted((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path repo, Path file) {
        return repo.relativize(file).toString();
    }

    private static void flip(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }

    private static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    }

    /** Every file of the repository with its SHA-256 (read leases and locks a command takes and removes excluded). */
    private static Map<String, String> snapshot(Path repo) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(relative(repo, p), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

}
