package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.EmbeddedPgBinaries;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ServerUser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.lifeboat.cli.it.BadInputIT.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Input that cannot work is refused before anything is written: the documented exit code, one
 * line naming the problem and a hint, the repository unchanged, the destination never made.
 */
class RefusedBeforeWritingIT extends RefusalTests {

    @BeforeAll
    static void clusterWithABackupAndARestorePoint() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g");
        assertThat(source.backup().exitCode()).isZero();
        ClusterSql.execute(source.cluster(), "SELECT pg_create_restore_point('before_migration')");
        ClusterSql.execute(source.cluster(), "INSERT INTO t SELECT g FROM generate_series(101, 200) g");
        source.switchAndWaitForArchive();
    }

    @Test
    void anUnknownRestorePointName() {
        Path pgdata = source.newDirectory("restored");
        Lifeboat.Run run = restore(pgdata, "--target-name", "before_migraton");
        assertFailure(run, 6, "no restore point named 'before_migraton'", "before_migration");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void zeroPrefetchStillMeansOff() {
        // --prefetch 0 is read as "off", so the run gets as far as the target and is refused there.
        Path pgdata = source.newDirectory("restored");
        assertFailure(restore(pgdata, "--prefetch", "0", "--target-name", "no_such_point"), 6, "no restore point named", "before_migration");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void ofTwoRestoresIntoOneDirectoryAtOnceOneWinsAndTheOtherRemovesNothing() throws Exception {
        Path pgdata = source.newDirectory("raced");
        int[] ports = {freePort(), freePort()};
        List<CompletableFuture<Lifeboat.Run>> started = List.of(
                CompletableFuture.supplyAsync(() -> source.restore(pgdata, ports[0])),
                CompletableFuture.supplyAsync(() -> source.restore(pgdata, ports[1])));
        List<Lifeboat.Run> runs = List.of(started.get(0).get(), started.get(1).get());

        assertThat(runs).as(runs.toString()).extracting(Lifeboat.Run::exitCode).containsExactlyInAnyOrder(0, 7);
        int winner = runs.get(0).exitCode() == 0 ? 0 : 1;
        Lifeboat.Run refused = runs.get(1 - winner);
        assertThat(refused.stderrLines().get(0)).startsWith("lifeboat: error: ").contains(pgdata.toString());
        assertThat(refused.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(ArchivingCluster.query(ports[winner], "SELECT count(*) FROM t"))
                .as("the winner's instance, its files untouched by the refused restore").isEqualTo("200");
    }

    @Test
    void aDestinationTheServerUserCannotReach() throws IOException {
        assumeTrue(ServerUser.isRoot(), "only root hands the restored server to another user");
        Path locked = Files.createDirectories(source.newDirectory("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        Path pgdata = locked.resolve("restored");
        assertFailure(restore(pgdata), 7, "cannot reach restore destination " + pgdata, "chmod o+x " + locked);
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void aDestinationInsideTheSourceDataDirectory() {
        Path pgdata = source.dataDirectory().resolve("restored");
        assertFailure(restore(pgdata), 7, "is inside the data directory", "outside every PostgreSQL data directory");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void aDestinationInsideTheRepository() {
        Path pgdata = source.repository().resolve("restored");
        assertFailure(restore(pgdata), 7, "is inside the repository " + source.repository(), "outside the repository");
        assertThat(pgdata).doesNotExist();
    }

    /** Without the refusal the restore succeeded, and the new instance's every archive_command failed until its disk filled. */
    @Test
    void anArchiveRepositoryThatIsNoneOrAnotherClusters() throws IOException {
        Path pgdata = source.newDirectory("restored");
        Path nowhere = source.newDirectory("no-repository");
        assertFailure(restore(pgdata, "--archive-to", nowhere.toString()), 4, "--archive-to: no Lifeboat repository at " + nowhere,
                "lifeboat init --repo " + nowhere);
        assertThat(nowhere).doesNotExist();

        Path another = Files.createDirectories(source.newDirectory("another-cluster"));
        Repository.initialize(BlobStores.openWithDefaults(another.toString()),
                TestRepositoryDescriptor.builder().systemIdentifier("42").build()).close();
        assertFailure(restore(pgdata, "--archive-to", another.toString()), 4,
                "--archive-to: repository " + another + " belongs to cluster 42, not to the restored one", "--archive-to same");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void aBackupOfAMajorVersionWithNoServerHereIsRefusedNamingWhatToInstall() throws IOException {
        PgBinaries installed = TestClusters.binaries();
        int other = installed.majorVersion() == 18 ? 17 : 18;
        assumeFalse(Files.exists(Path.of("/usr/lib/postgresql/" + other)) || Files.exists(Path.of("/usr/pgsql-" + other)),
                "PostgreSQL " + other + " is installed here");
        Path repo = source.copyOfTheRepository("claims-pg" + other);
        String backupId = claimMajorVersion(repo, other);
        Map<String, String> before = RepositorySnapshot.of(repo);
        // Only the search can find a server: no LIFEBOAT_PG_BIN, no postgres on the PATH (pg_config may be there),
        // an empty cache of downloaded servers
        Map<String, String> env = Map.of(PgBinaries.BIN_ENV, "", "PATH", "/usr/bin:/bin",
                EmbeddedPgBinaries.CACHE_ENV, source.newDirectory("no-downloads").toString());
        Path pgdata = source.newDirectory("restored");
        List<String> restore = List.of("restore", "--repo", repo.toString(), "--pgdata", pgdata.toString(),
                "--port", Integer.toString(freePort()));

        Lifeboat.Run none = Lifeboat.run(env, restore.toArray(String[]::new));
        assertFailure(none, 5, "no PostgreSQL " + other + " server binaries found for backup " + backupId + " (looked in ",
                "install postgresql-" + other + " (apt.postgresql.org) or postgresql" + other + "-server (PGDG yum), or give --pg-bin DIR");
        assertThat(none.stderrLines().get(0)).contains("/usr/lib/postgresql/" + other + "/bin", "/usr/pgsql-" + other + "/bin");

        Lifeboat.Run wrong = Lifeboat.run(env, with(restore, "--pg-bin", installed.binDirectory().toString()));
        assertFailure(wrong, 5, "backup " + backupId + " is PostgreSQL " + other + " but the server binaries at "
                + installed.binDirectory() + " are PostgreSQL " + installed.majorVersion(), "a PostgreSQL " + other + " bin directory");

        Lifeboat.Run wrongByVariable = Lifeboat.run(Map.of(PgBinaries.BIN_ENV, installed.binDirectory().toString()),
                restore.toArray(String[]::new));
        assertFailure(wrongByVariable, 5, "are PostgreSQL " + installed.majorVersion(), "a PostgreSQL " + other + " bin directory");

        Path missing = source.scratch().resolve("no-such-bin");
        assertFailure(Lifeboat.run(env, with(restore, "--pg-bin", missing.toString())), 5,
                "the server bin directory " + missing + " (--pg-bin or LIFEBOAT_PG_BIN) does not exist", "PostgreSQL " + other);

        Path drills = Files.createDirectories(source.newDirectory("drills"));
        Lifeboat.Run drill = Lifeboat.run(env, "drill", "--repo", repo.toString(), "--scratch", drills.toString());
        assertFailure(drill, 5, "no PostgreSQL " + other + " server binaries found for backup " + backupId, "install postgresql-" + other);

        assertThat(pgdata).doesNotExist();
        assertThat(drills).isEmptyDirectory();
        assertThat(RepositorySnapshot.of(repo)).isEqualTo(before);
    }

    @Test
    void promoteAndDemoCheckTheirServerBinariesBeforeStartingAnything() throws IOException {
        PgBinaries installed = TestClusters.binaries();
        int other = installed.majorVersion() == 18 ? 17 : 18;
        assumeFalse(Files.exists(Path.of("/usr/lib/postgresql/" + other)) || Files.exists(Path.of("/usr/pgsql-" + other)),
                "PostgreSQL " + other + " is installed here");
        Path standby = Files.createDirectories(source.newDirectory("standby"));
        Files.writeString(standby.resolve("PG_VERSION"), other + "\n");
        Map<String, String> env = Map.of(PgBinaries.BIN_ENV, "", "PATH", "/usr/bin:/bin");

        assertFailure(Lifeboat.run(env, "promote", "--pgdata", standby.toString()), 5,
                "no PostgreSQL " + other + " server binaries found for " + standby, "install postgresql-" + other);
        assertFailure(Lifeboat.run(env, "promote", "--pgdata", standby.toString(), "--pg-bin", installed.binDirectory().toString()), 5,
                standby + " is PostgreSQL " + other + " but the server binaries at " + installed.binDirectory(), "--pg-bin");
        Path missing = source.scratch().resolve("no-such-bin");
        assertFailure(Lifeboat.run(env, "demo", "--pg-bin", missing.toString()), 5,
                "the server bin directory " + missing + " (--pg-bin or LIFEBOAT_PG_BIN) does not exist", "--pg-bin");
        try (var files = Files.list(standby)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("PG_VERSION");
        }
    }

    /** Rewrites the repository's only backup as one of PostgreSQL {@code major}, as a backup made there would say; returns its id. */
    @Test
    void aBackupOfAClusterUpgradedToAnotherMajorVersionIsRefusedAndTheOldBackupsStayListed() throws IOException {
        int installed = TestClusters.binaries().majorVersion();
        int older = installed - 1;
        Path repo = source.copyOfTheRepository("before-upgrade");
        // What the repository of the cluster before pg_upgrade looks like: another version, another system identifier
        Path descriptor = repo.resolve(RepositoryLayout.DESCRIPTOR);
        ObjectNode claimed = (ObjectNode) Json.mapper().readTree(Files.readString(descriptor));
        claimed.put("pgMajor", older).put("pgVersion", older + ".9").put("systemIdentifier", "7000000000000000001");
        Files.writeString(descriptor, Json.mapper().writeValueAsString(claimed));
        Map<String, String> before = RepositorySnapshot.of(repo);

        Lifeboat.Run backup = Lifeboat.run("backup", "--repo", repo.toString(), "--pgdata", source.dataDirectory().toString(),
                "--pg-port", Integer.toString(source.port()));

        assertFailure(backup, 4, "runs PostgreSQL " + installed + " but repository " + repo + " holds PostgreSQL " + older + " backups",
                "start a new repository for the new cluster with 'lifeboat init'");
        assertThat(RepositorySnapshot.of(repo)).isEqualTo(before);
        Lifeboat.Run info = Lifeboat.run("info", "--repo", repo.toString());
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.stdout()).contains("PostgreSQL " + older);
    }

    private static String claimMajorVersion(Path repo, int major) {
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(repo.toString()))) {
            String id = repository.backups().list().get(0).id();
            ObjectNode manifest = Json.mapper().valueToTree(repository.backups().read(id));
            manifest.put("pgMajor", major).put("pgVersion", major + ".1");
            repository.backups().delete(id);
            repository.backups().write(Json.mapper().treeToValue(manifest, BackupManifest.class));
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void zeroOrNegativeNumbersAreUsageErrorsNamingTheFlag() {
        String repo = source.repository().toString();
        Path pgdata = source.newDirectory("restored");
        assertUsage(restore(pgdata, "--jobs", "0"), "--jobs");
        assertUsage(restore(pgdata, "--prefetch", "-1"), "--prefetch");
        assertUsage(restore(pgdata, "--start-timeout", "0"), "--start-timeout");
        assertUsage(Lifeboat.run("backup", "--repo", repo, "--pgdata", source.dataDirectory().toString(),
                "--pg-port", Integer.toString(source.port()), "--archive-timeout", "0"), "--archive-timeout");
        assertUsage(Lifeboat.run("agent", "--repo", repo, "--pgdata", source.dataDirectory().toString(), "--stream-interval", "-5"),
                "--stream-interval");
        assertUsage(Lifeboat.run("verify", "--repo", repo, "--max-rate", "-1MB/s"), "--max-rate");
        assertUsage(Lifeboat.run("info", "--repo", repo, "--request-timeout", "0"), "--request-timeout");
        assertUsage(Lifeboat.run("check", "--repo", repo, "--max-backup-age", "0h"), "--max-backup-age");
        assertUsage(Lifeboat.run("expire", "--repo", repo, "--keep-full", "0"), "--keep-full");
        assertUsage(Lifeboat.run("wal-push", "--repo", repo, "--jobs", "0", "pg_wal/000000010000000000000001"), "--jobs");
        assertThat(pgdata).doesNotExist();
    }

    @Test
    void malformedS3UrisAreUsageErrors() {
        assertFailure(Lifeboat.run("info", "--repo", "s3://"), 2, "--repo", "--help");
        assertFailure(Lifeboat.run("info", "--repo", "s3:///x"), 2, "missing or invalid bucket name", "--help");
        assertFailure(Lifeboat.run("info", "--repo", "s3://bucket?region="), 2, "invalid region ''", "--help");
        assertFailure(Lifeboat.run("info", "--repo", "s3://bucket/p?colour=red"), 2, "unknown option 'colour'", "--help");
        assertFailure(Lifeboat.run("info", "--repo", "s3://bucket/p?endpoint=ftp://host"), 2, "endpoint must be an http://", "--help");
        assertFailure(Lifeboat.run("replicate", "--repo", source.repository().toString(), "--to", "s3://b/p?region=EU"), 2,
                "--to", "--help");
        assertFailure(Lifeboat.run("info", "--repo", "gopher://host/x"), 2, "no storage adapter for 'gopher://'", "--help");
    }

    @Test
    void aMalformedS3UriInTheConfigurationIsAConfigurationError() throws IOException {
        Path config = Files.createDirectories(source.newDirectory("config")).resolve("lifeboat.yaml");
        Files.writeString(config, "repo: s3://bucket?region=\n");
        assertFailure(Lifeboat.run("info", "--config", config.toString()), 3, config + ": key 'repo': bad value", "--repo");
        assertFailure(Lifeboat.run(Map.of("LIFEBOAT_REPO", "s3:///x"), "info"), 3, "environment variable LIFEBOAT_REPO: bad value",
                "--repo");
        Files.writeString(config, "repositories:\n  - name: eu\n    uri: s3://bucket/p?colour=red\n");
        assertFailure(Lifeboat.run("info", "--config", config.toString()), 3, "repository eu: invalid S3 store", "Several repositories");
    }

    @Test
    void theConfigurationFileNamesItsUnknownKeyOrBadValue() throws IOException {
        Path config = Files.createDirectories(source.newDirectory("config")).resolve("lifeboat.yaml");
        Files.writeString(config, "repo: " + source.repository() + "\nrestore:\n  prefetsh: 4\n");
        Path pgdata = source.newDirectory("restored");
        assertFailure(restoreWith(config, pgdata), 3, config + ": unknown key 'restore.prefetsh'", "did you mean 'restore.prefetch'?");

        Files.writeString(config, "repo: " + source.repository() + "\nrestore:\n  jobs: -2\n");
        assertFailure(restoreWith(config, pgdata), 3, config + ": key 'restore.jobs': bad value", "--jobs");

        Files.writeString(config, "repo: " + source.repository() + "\nrestore:\n  jobs: [1, 2]\n");
        assertFailure(restoreWith(config, pgdata), 3, config + ": key 'restore.jobs' must be a single value", "one line");
        assertThat(pgdata).doesNotExist();
    }

    private static void assertUsage(Lifeboat.Run run, String flag) {
        assertFailure(run, 2, flag, "--help");
    }

    private static Lifeboat.Run restoreWith(Path config, Path pgdata) {
        return Lifeboat.run("restore", "--config", config.toString(), "--pgdata", pgdata.toString(), "--port", Integer.toString(freePort()));
    }

    private static Lifeboat.Run restore(Path pgdata, String... more) {
        List<String> args = new ArrayList<>(List.of("restore", "--repo", source.repository().toString(),
                "--pgdata", pgdata.toString(), "--port", Integer.toString(freePort())));
        args.addAll(List.of(more));
        return Lifeboat.run(args.toArray(String[]::new));
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
