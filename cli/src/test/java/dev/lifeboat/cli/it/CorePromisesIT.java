package dev.lifeboat.cli.it;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promises the README makes that only a deliberately broken build showed no test held: a
 * backup is not a backup until its WAL is archived; SHA-256 is checked on every read, not
 * only zstd's own frame checksum; a directory repository that is gone or unreadable stops
 * recovery (wal-fetch 128), never ends it (1).
 */
class CorePromisesIT {

    private static ArchivingCluster source;
    private static String backupId;
    private static ScratchDirectory scratch;
    private static LocalCluster notArchiving;
    private static Path notArchivingRepository;

    @BeforeAll
    static void clusters() throws IOException {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupId = backup.stdout().strip();

        // A cluster whose archive_command always fails, with an initialised repository.
        scratch = ScratchDirectory.create("lifeboat-promises-");
        notArchivingRepository = Files.createDirectories(scratch.resolve("repository"));
        TestClusters.serverUser().handOver(notArchivingRepository);
        notArchiving = TestClusters.builder().baseDirectory(scratch.resolve("source")).archiveCommand("false").start();
        Lifeboat.Run init = Lifeboat.run("init", "--repo", notArchivingRepository.toString(),
                "--pgdata", notArchiving.dataDirectory().toString(), "--pg-port", Integer.toString(notArchiving.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        try {
            if (notArchiving != null) {
                notArchiving.close();
            }
            if (scratch != null) {
                scratch.close();
            }
        } finally {
            if (source != null) {
                source.close();
            }
        }
    }

    // --- a backup counts only once its WAL is in the repository

    @Test
    void aBackupWhoseWalIsNeverArchivedTimesOutAndLeavesNoBackup() throws IOException {
        Lifeboat.Run backup = Lifeboat.run("backup", "--repo", notArchivingRepository.toString(),
                "--pgdata", notArchiving.dataDirectory().toString(), "--pg-port", Integer.toString(notArchiving.port()),
                "--archive-timeout", "5");

        BadInputIT.assertFailure(backup, 11, "did not reach the repository within 5s", "archive_command");
        Lifeboat.Run info = Lifeboat.run("info", "--repo", notArchivingRepository.toString(), "--output", "json");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(Json.mapper().readTree(info.stdout()).get("backups")).as(info.stdout()).isEmpty();
        assertThat(filesUnder(notArchivingRepository.resolve("backups"))).as("no manifest was written").isEmpty();
        assertThat(filesUnder(notArchivingRepository.resolve("data"))).as("the backup's data objects were removed").isEmpty();
    }

    // --- check --pgdata fails while the archiver fails

    @Test
    void checkFailsWhileTheArchiverFails() {
        ClusterSql.execute(notArchiving, "SELECT pg_switch_wal()");
        waitUntil(() -> ClusterSql.queryForLong(notArchiving, "SELECT failed_count FROM pg_stat_archiver") > 0, "an archiver failure");

        Lifeboat.Run check = Lifeboat.run("check", "--repo", notArchivingRepository.toString(),
                "--pgdata", notArchiving.dataDirectory().toString(), "--pg-port", Integer.toString(notArchiving.port()));

        assertThat(check.exitCode()).as(check.toString()).isEqualTo(13);
        assertThat(check.stdout().lines()).as(check.toString())
                .anySatisfy(line -> assertThat(line).startsWith("FAIL: the archiver is failing").contains("archive_command"));
    }

    @Test
    void anArchiverFailureFollowedByASuccessIsHistory() {
        LocalCluster cluster = source.cluster();
        long failures = ClusterSql.queryForLong(cluster, "SELECT failed_count FROM pg_stat_archiver");
        ClusterSql.execute(cluster, "ALTER SYSTEM SET archive_command = 'false'");
        ClusterSql.execute(cluster, "SELECT pg_reload_conf()");
        ClusterSql.execute(cluster, "CREATE TABLE briefly_failing AS SELECT 1 AS id");
        ClusterSql.execute(cluster, "SELECT pg_switch_wal()");
        waitUntil(() -> ClusterSql.queryForLong(cluster, "SELECT failed_count FROM pg_stat_archiver") > failures, "an archiver failure");
        ClusterSql.execute(cluster, "ALTER SYSTEM RESET archive_command");
        ClusterSql.execute(cluster, "SELECT pg_reload_conf()");
        source.switchAndWaitForArchive();

        Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));

        assertThat(check.stdout()).as(check.toString()).doesNotContain("archiver is failing");
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }

    // --- SHA-256 verified on every read, also when the zstd frame itself is sound

    @Test
    void verifyFindsADataObjectThatIsValidZstdOfOtherContent() throws IOException {
        Path repo = source.copyOfTheRepository("other-content-verify");
        Path object = largestDataObject(repo);
        String key = repo.relativize(object).toString();
        recompressWithOneByteChanged(object, new ObjectCodec(ObjectCodec.DEFAULT_LEVEL));

        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repo.toString(), "--backup", backupId);

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        assertThat(verify.stdout()).as(verify.toString()).containsPattern("CORRUPT +" + java.util.regex.Pattern.quote(key) + ".*SHA-256");
        assertThat(verify.stderrLines()).as(verify.toString()).first().asString().startsWith("lifeboat: error: 1 damaged or missing object");
    }

    @Test
    void restoreRefusesADataObjectThatIsValidZstdOfOtherContent() throws IOException {
        Path repo = source.copyOfTheRepository("other-content-restore");
        Path object = largestDataObject(repo);
        String key = repo.relativize(object).toString();
        recompressWithOneByteChanged(object, new ObjectCodec(ObjectCodec.DEFAULT_LEVEL));

        Path target = source.newDirectory("restored");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run restore;
        try {
            restore = Lifeboat.run("restore", "--repo", repo.toString(), "--pgdata", target.toString(), "--port", Integer.toString(port),
                    "--backup", backupId, "--start-timeout", "120");
        } finally {
            if (Files.exists(target.resolve("postmaster.pid"))) {
                source.stopRestored(target); // it should never have started
            }
        }
        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(9);
        assertThat(restore.stderrLines()).as(restore.toString())
                .anySatisfy(line -> assertThat(line).startsWith("lifeboat: error: ").contains(key).contains("SHA-256"));
        assertThat(restore.stderr()).doesNotContain("\tat ");
    }

    @Test
    void aWalObjectThatIsValidZstdOfOtherContentIsNotDelivered() throws IOException {
        Path repo = source.copyOfTheRepository("other-wal");
        Path object = newestWalSegment(repo);
        String name = object.getFileName().toString().substring(0, 24);
        recompressWithOneByteChanged(object, ObjectCodec.forWal(ObjectCodec.DEFAULT_LEVEL));
        Path destination = source.newDirectory("fetched");

        Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", repo.toString(), name, destination.toString());

        assertThat(fetch.exitCode()).as(fetch.toString()).isEqualTo(128);
        assertThat(fetch.stderr()).contains(repo.relativize(object).toString()).contains("SHA-256").doesNotContain("\tat ");
        assertThat(destination).doesNotExist();
    }

    // --- a directory repository that is gone or unreadable stops recovery

    @Test
    void aRepositoryDirectoryThePostgresUserCannotReadStopsRecovery() throws IOException {
        Path repo = source.copyOfTheRepository("unreadable");
        TestClusters.serverUser().handOver(repo);
        String segment = newestWalSegment(repo).getFileName().toString().substring(0, 24);
        Path destination = Files.createDirectories(source.newDirectory("fetch-unreadable")).resolve(segment);
        TestClusters.serverUser().handOver(destination.getParent());
        Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("---------"));
        try {
            Lifeboat.Run fetch = asServerUser("wal-fetch", "--repo", repo.toString(), segment, destination.toString());

            assertStopsRecovery(fetch, repo);
            assertThat(destination).doesNotExist();
        } finally {
            Files.setPosixFilePermissions(repo, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aRepositoryDirectoryThatVanishedAfterInitStopsRecovery() throws IOException {
        Path repo = source.copyOfTheRepository("vanished");
        String segment = newestWalSegment(repo).getFileName().toString().substring(0, 24);
        Files.move(repo, repo.resolveSibling(repo.getFileName() + "-unmounted"));
        Path destination = Files.createDirectories(source.newDirectory("fetch-vanished")).resolve(segment);

        Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", repo.toString(), segment, destination.toString());

        assertStopsRecovery(fetch, repo);
        assertThat(destination).doesNotExist();
    }

    @Test
    void aRepositoryDirectoryReplacedByAFileStopsRecovery() throws IOException {
        Path repo = source.copyOfTheRepository("replaced");
        String segment = newestWalSegment(repo).getFileName().toString().substring(0, 24);
        Files.move(repo, repo.resolveSibling(repo.getFileName() + "-unmounted"));
        Files.writeString(repo, "not a repository\n");
        Path destination = Files.createDirectories(source.newDirectory("fetch-replaced")).resolve(segment);

        Lifeboat.Run fetch = Lifeboat.run("wal-fetch", "--repo", repo.toString(), segment, destination.toString());

        assertStopsRecovery(fetch, repo);
        assertThat(destination).doesNotExist();
    }

    private static void assertStopsRecovery(Lifeboat.Run fetch, Path repo) {
        assertThat(fetch.exitCode()).as("never 1 (not found): recovery would end there; " + fetch).isEqualTo(128);
        assertThat(fetch.stderrLines()).as(fetch.toString()).isNotEmpty();
        assertThat(fetch.stderrLines().get(0)).as(fetch.toString()).startsWith("lifeboat: error: ").contains(repo.toString());
        assertThat(fetch.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            ArchivingCluster.sleep(200);
        }
    }

    private static Lifeboat.Run asServerUser(String... args) {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(Lifeboat.launcher().toString());
        command.addAll(List.of(args));
        return Lifeboat.exec(command, Map.of(), Path.of("/"));
    }

    /** Decodes a single-frame object, changes one byte of its content, and stores it re-encoded: valid zstd, other content. */
    private static void recompressWithOneByteChanged(Path object, ObjectCodec codec) throws IOException {
        byte[] plain;
        try (InputStream in = codec.decode(Files.newInputStream(object), object.toString())) {
            plain = in.readAllBytes();
        }
        assertThat(plain.length).isGreaterThan(1 << 20);
        plain[plain.length / 2] ^= 0x55;
        ObjectCodec.Encoded encoded = codec.encodeWhole(plain, plain.length);
        Files.write(object, Arrays.copyOf(encoded.bytes(), encoded.length()));
    }


    /** The backup's largest data object: the table's heap file alone in one zstd frame. */
    private static Path largestDataObject(Path repo) throws IOException {
        try (Stream<Path> objects = Files.list(repo.resolve("data").resolve(backupId))) {
            return objects.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    private static Path newestWalSegment(Path repo) throws IOException {
        try (Stream<Path> walk = Files.walk(repo.resolve("wal"))) {
            return walk.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}-[0-9a-f]{64}\\.zst"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
