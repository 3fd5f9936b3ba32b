package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's story of secrets: an S3 secret key and a PostgreSQL password in the
 * environment, a job store password in the configuration file (and one in its JDBC URL), and
 * secrets misplaced where Lifeboat refuses them (an S3 URI's user info and query). Every
 * command runs with --debug, --log-requests and --output json where they apply, also failing
 * runs; no secret ({@link KnownSecrets}) may appear in stdout, stderr, the server log that
 * archive_command writes to, any object of the S3 or directory repository (job and drill
 * records included), any file of the restored instance, or a process's command line.
 *
 * <p>The directory repository is created by root's 'lifeboat init' inside a directory that
 * belongs to postgres: it must be private (0700/0600) and still written by archive_command.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretScrubbingIT {

    private static final String PREFIX = "scrubbing/" + UUID.randomUUID();

    private static S3Regions s3;
    private static ScratchDirectory outside;
    private static Path localRepository;
    private static ConfiguredCluster source;
    private static final List<String> leaks = new ArrayList<>();

    @BeforeAll
    static void clusterArchivingIntoS3AndADirectory() throws IOException {
        s3 = S3Regions.start();
        outside = ScratchDirectory.create("lifeboat-scrub-");
        Path postgresOwned = Files.createDirectories(outside.resolve("postgres-owned"));
        TestClusters.serverUser().handOver(postgresOwned);
        localRepository = postgresOwned.resolve("repository");
        source = ConfiguredCluster.start(config(), KnownSecrets.environment());
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 500) g");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (outside != null) {
            outside.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private static String config() {
        return "repositories:\n"
                + "  - name: s3\n    uri: '" + s3uri() + "'\n"
                + "  - name: local\n    uri: '" + localRepository + "'\n"
                + "schedule:\n"
                + "  job-store: 'jdbc:postgresql://127.0.0.1:1/lifeboat?password=" + KnownSecrets.JOB_STORE_URL_PASSWORD + "'\n"
                + KnownSecrets.scheduleSectionYaml("  ")
                + "  jobs:\n"
                + "    - name: hourly-verify\n      kind: verify\n      every: 1h\n      repo: '" + s3uri() + "'\n";
    }

    private static String s3uri() {
        return s3.uri(EU_BUCKET, PREFIX);
    }

    @Test
    @Order(1)
    void aDirectoryRepositoryRootCreatesIsPrivateToTheOwnerOfItsParentAndArchiveCommandStillWritesIt() throws IOException {
        Lifeboat.Run backup = run(source.backup("--debug", "--log-requests"), "backup");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String segment = source.switchAndWait(s -> hasSegment(localRepository, s) && s3.hasKeyStartingWith(EU_BUCKET, PREFIX, walKey(s)));

        int postgres = uid(localRepository.getParent());
        try (Stream<Path> walk = Files.walk(localRepository)) {
            for (Path path : walk.toList()) {
                assertThat(mode(path)).as("mode of %s", path).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
                assertThat(uid(path)).as("owner of %s (written by root and by postgres)", path).isEqualTo(postgres);
            }
        }
        assertThat(hasSegment(localRepository, segment)).isTrue();
    }

    @Test
    @Order(2)
    void noSecretAppearsInOutputStoredObjectsOrTheRestoredInstance() throws IOException {
        succeeds("backup json", source.backup("--debug", "--log-requests", "--output", "json"));
        source.switchAndWait(s -> hasSegment(localRepository, s) && s3.hasKeyStartingWith(EU_BUCKET, PREFIX, walKey(s)));
        run(source.lifeboat("init", "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()),
                "--debug", "--log-requests", "--output", "json"), "init again");
        succeeds("info", source.lifeboat("info", "--debug", "--log-requests"));
        succeeds("info json", source.lifeboat("info", "--debug", "--log-requests", "--output", "json"));
        succeeds("verify", source.lifeboat("verify", "--repo-name", "s3", "--debug", "--log-requests", "--output", "json"));
        run(source.lifeboat("check", "--repo-name", "s3", "--pgdata", source.dataDirectory().toString(),
                "--pg-port", Integer.toString(source.port()), "--debug", "--log-requests", "--output", "json"), "check");
        succeeds("replicate", source.lifeboat("replicate", "--from", "s3", "--to", "local", "--debug", "--log-requests",
                "--output", "json"));
        succeeds("expire", source.lifeboat("expire", "--repo-name", "s3", "--keep-full", "10", "--debug", "--log-requests"));
        String config = source.config().toString();
        succeeds("schedule list", Lifeboat.run(source.env(), "schedule", "list", "--config", config, "--debug", "--output", "json"));
        succeeds("schedule exec", Lifeboat.run(source.env(), "schedule", "exec", "hourly-verify", "--config", config, "--debug",
                "--output", "json"));
        succeeds("drill", source.lifeboat("drill", "--repo-name", "s3", "--start-timeout", "120", "--debug", "--log-requests",
                "--output", "json"));
        Path restored = source.newDirectory("restored");
        succeeds("restore", source.restore(source.config(), restored, freePort(), "--repo-name", "s3", "--debug",
                "--log-requests"));
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g FROM generate_series(501, 600) g");
        source.switchAndWait(s -> hasSegment(localRepository, s));

        failingRuns();

        assertThat(KnownSecrets.foundIn(Files.readAllBytes(source.config()))).as("the scrubber finds what the file holds").isNotNull();
        scrubFiles("the source's server log (archive_command's stderr)", source.cluster().logFile());
        scrubFiles("the directory repository", localRepository);
        scrubFiles("the restored instance", restored);
        for (String key : s3.objects(EU_BUCKET, PREFIX).keySet()) {
            scrub("S3 object " + key, s3.read(EU_BUCKET, PREFIX, key));
        }
        assertThat(leaks).as("secrets found").isEmpty();
    }

    private static void failingRuns() throws IOException {
        String misplaced = KnownSecrets.MISPLACED_IN_URI;
        Path brokenYaml = source.otherConfig("broken.yaml", config().replace("job-store-password: ", "job-store-password: [: "));
        fails("configuration that is not valid YAML", Lifeboat.run(source.env(), "schedule", "exec", "hourly-verify", "--config",
                brokenYaml.toString(), "--debug", "--output", "json"));
        fails("wrong bucket", Lifeboat.run(source.env(), "info", "--repo", s3.uri("no-such-bucket", "x"), "--debug", "--log-requests"));
        fails("secret in the URI's user info", Lifeboat.run(source.env(), "info", "--repo",
                "s3://AKIDEXAMPLE:" + misplaced + "@" + EU_BUCKET + "/x?region=eu-west-1", "--debug", "--output", "json"));
        fails("secret in the URI's query", Lifeboat.run(source.env(), "backup", "--repo",
                s3uri() + "&aws_secret_access_key=" + misplaced, "--debug", "--log-requests"));
        fails("secret in the endpoint's user info", Lifeboat.run(source.env(), "info", "--repo",
                "s3://" + EU_BUCKET + "/x?endpoint=http://AKIDEXAMPLE:" + misplaced + "@127.0.0.1:1", "--debug"));
        fails("secret in a file: URI", Lifeboat.run(source.env(), "info", "--repo",
                "file://user:" + misplaced + "@host/srv/repo", "--debug"));
        fails("bad flag", source.lifeboat("backup", "--no-such-flag", "--debug", "--output", "json"));
        Map<String, String> wrongCredentials = new HashMap<>(source.env());
        wrongCredentials.put("AWS_SECRET_ACCESS_KEY", KnownSecrets.WRONG_S3_SECRET);
        wrongCredentials.put("AWS_SESSION_TOKEN", KnownSecrets.S3_SESSION_TOKEN);
        fails("wrong S3 credentials", Lifeboat.run(wrongCredentials, "info", "--config", source.config().toString(),
                "--repo-name", "s3", "--debug", "--log-requests", "--output", "json"));
        fails("wrong S3 credentials, verify", Lifeboat.run(wrongCredentials, "verify", "--config", source.config().toString(),
                "--repo-name", "s3", "--debug", "--log-requests"));
        fails("unreachable job store", Lifeboat.run(source.env(), "schedule", "run", "--config", source.config().toString(),
                "--debug"));
    }

    private static Lifeboat.Run succeeds(String label, Lifeboat.Run run) {
        assertThat(run(run, label).exitCode()).as(label + ": " + run).isZero();
        return run;
    }

    private static void fails(String label, Lifeboat.Run run) {
        assertThat(run(run, label).exitCode()).as(label + ": " + run).isNotZero();
    }

    /** Scrubs a run's stdout and stderr, and the command lines of the processes running now (what ps shows). */
    private static Lifeboat.Run run(Lifeboat.Run run, String label) {
        scrub(label + " (stdout)", run.stdout().getBytes(StandardCharsets.UTF_8));
        scrub(label + " (stderr)", run.stderr().getBytes(StandardCharsets.UTF_8));
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(line ->
                scrub("the command line of process " + p.pid() + " after " + label, line.getBytes(StandardCharsets.UTF_8))));
        return run;
    }

    private static void scrubFiles(String what, Path root) throws IOException {
        assertThat(root).as(what).exists();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                scrub(what + ": " + root.relativize(file), Files.readAllBytes(file));
            }
        }
    }

    private static void scrub(String where, byte[] bytes) {
        String found = KnownSecrets.foundIn(bytes);
        if (found != null) {
            leaks.add(found + " in " + where);
        }
    }

    private static boolean hasSegment(Path repository, String segment) {
        Path dir = repository.resolve("wal").resolve(segment.substring(0, 8)).resolve(segment.substring(0, 16));
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith(segment + "-"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String walKey(String segment) {
        return "wal/" + segment.substring(0, 8) + "/" + segment.substring(0, 16) + "/" + segment + "-";
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static int uid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid");
    }
}
