package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher's no-JVM paths on an encrypted repository, whose archive_command and
 * restore_command carry --key-file: the agent keeps up under pgbench load and answers
 * archive_command, a restore with prefetch brings back the source's rows, and the launcher
 * serves an agent's or a spool's answers only to the --repo and --key-file they were made for.
 */
@RunsAlone
class EncryptedWalFastPathsIT {

    private static final int BACKLOG_BOUND = 10;

    private static TestKeyFile key;
    private static Path keyFile;
    private static ArchivingCluster source;

    @BeforeAll
    static void encryptedRepository() {
        key = TestKeyFile.create("lifeboat-keys-");
        keyFile = key.path();
        source = ArchivingCluster.startEncrypted(key);
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
    void theAgentKeepsUpUnderLoadAnswersArchiveCommandAndARestoreWithPrefetchEqualsTheSource() throws Exception {
        Optional<Path> pgbench = TestClusters.binaries().findTool("pgbench");
        assumeTrue(pgbench.isPresent(), "pgbench is not installed with these server binaries");
        AgentProcess agent = source.startAgent("--key-file", keyFile.toString());
        Path push = source.dataDirectory().resolve("pg_wal/.lifeboat/push");
        assertThat(Files.readString(push.resolve("repository")))
                .isEqualTo(source.repository() + "\n" + keyFile + "\n");

        String port = Integer.toString(source.port());
        Lifeboat.Run init = Lifeboat.exec(List.of(pgbench.get().toString(), "-i", "-s", "5", "-q", "-h", "127.0.0.1", "-p", port,
                "-U", "postgres", "postgres"), Map.of(), null);
        assertThat(init.exitCode()).as(init.toString()).isZero();
        Lifeboat.Run backup = lifeboat("backup", "--pgdata", source.dataDirectory().toString(), "--pg-port", port);
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        Process load = new ProcessBuilder(pgbench.get().toString(), "-T", "15", "-c", "4", "-h", "127.0.0.1", "-p", port,
                "-U", "postgres", "postgres").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int maxReady = 0;
        while (load.isAlive()) {
            maxReady = Math.max(maxReady, readyFiles());
            ArchivingCluster.sleep(250);
        }
        assertThat(load.exitValue()).isZero();
        source.switchAndWaitForArchive();
        assertThat(maxReady).as("most WAL files waiting at once; agent log:\n" + agent.log()).isLessThanOrEqualTo(BACKLOG_BOUND);
        assertThat(agent.log()).doesNotContain("cannot archive");
        String expected = ClusterSql.queryForString(source.cluster(), BackupUnderLoadIT.CONTENTS);

        // Until the next checkpoint, pg_wal keeps the segments the agent just marked stored: archive_command
        // for one of them is answered from the marker, with no JVM at all (the jar cannot start). Its object
        // is set aside meanwhile, so that the launcher's look into a directory repository cannot answer.
        String marked = segmentMarkedStored(push);
        Path object = storedObject(marked);
        Path aside = object.resolveSibling("aside");
        Files.move(object, aside);
        Lifeboat.Run answered = launcherWithoutJvm(source.dataDirectory(), "wal-push", "--repo", source.repository().toString(),
                "--key-file", keyFile.toString(), "pg_wal/" + marked);
        assertThat(answered.exitCode()).as(answered.toString()).isZero();
        // ... but only for the key file the agent serves: another one goes to the JVM.
        Lifeboat.Run otherKey = launcherWithoutJvm(source.dataDirectory(), "wal-push", "--repo", source.repository().toString(),
                "--key-file", keyFile.resolveSibling("other.key").toString(), "pg_wal/" + marked);
        assertThat(otherKey.exitCode()).as(otherKey.toString()).isNotZero();
        assertThat(otherKey.stderr()).contains("not a jar");
        Files.move(aside, object);
        source.cluster().stop();
        assertThat(agent.stop()).as(agent.log()).isZero();

        int restoredPort = ArchivingCluster.freePort();
        Lifeboat.Run restore = source.restore(source.newDirectory("latest"), restoredPort, "--key-file", keyFile.toString(),
                "--target", "latest", "--prefetch", "4");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(ArchivingCluster.query(restoredPort, BackupUnderLoadIT.CONTENTS)).isEqualTo(expected);
        assertThat(ArchivingCluster.query(restoredPort, BackupUnderLoadIT.INVARIANT)).isEqualTo("t");
    }

    @Test
    void theLauncherHandsOverASpooledFileOnlyForTheRepositoryAndKeyFileOfTheSpool() throws IOException {
        Path pgdata = source.newDirectory("spool");
        Path spool = Files.createDirectories(pgdata.resolve("pg_wal/.lifeboat/fetch"));
        for (String directory : List.of("requests", "missing", "failed")) {
            Files.createDirectories(spool.resolve(directory));
        }
        String segment = "000000010000000000000042";
        byte[] verified = "bytes the restore decrypted and authenticated".getBytes(StandardCharsets.US_ASCII);
        Files.write(spool.resolve(segment), verified);
        Files.writeString(spool.resolve("repository"), source.repository() + "\n" + keyFile + "\n");
        Files.writeString(spool.resolve("heartbeat"), "");
        TestClusters.serverUser().handOver(pgdata);

        Lifeboat.Run otherKey = launcherWithoutJvm(pgdata, "wal-fetch", "--repo", source.repository().toString(),
                "--key-file", keyFile.resolveSibling("other.key").toString(), segment, "pg_wal/RECOVERYXLOG");
        assertThat(otherKey.exitCode()).as("the JVM, which cannot start, must answer: " + otherKey).isEqualTo(128);
        Lifeboat.Run noKey = launcherWithoutJvm(pgdata, "wal-fetch", "--repo", source.repository().toString(), segment,
                "pg_wal/RECOVERYXLOG");
        assertThat(noKey.exitCode()).as(noKey.toString()).isEqualTo(128);
        assertThat(pgdata.resolve("pg_wal/RECOVERYXLOG")).doesNotExist();

        Lifeboat.Run fetched = launcherWithoutJvm(pgdata, "wal-fetch", "--repo", source.repository().toString(),
                "--key-file", keyFile.toString(), segment, "pg_wal/RECOVERYXLOG");
        assertThat(fetched.exitCode()).as(fetched.toString()).isZero();
        assertThat(Files.readAllBytes(pgdata.resolve("pg_wal/RECOVERYXLOG"))).isEqualTo(verified);
    }

    private static Lifeboat.Run lifeboat(String command, String... args) {
        return key.lifeboat(source.repository(), command, args);
    }

    /** A segment still in pg_wal whose stored marker names its current identity. */
    private static String segmentMarkedStored(Path push) throws IOException {
        try (Stream<Path> markers = Files.list(push.resolve("stored"))) {
            for (Path marker : markers.sorted().toList()) {
                String name = marker.getFileName().toString();
                Path wal = source.dataDirectory().resolve("pg_wal").resolve(name);
                if (name.length() != 24 || !Files.exists(wal)) {
                    continue;
                }
                Lifeboat.Run identity = Lifeboat.exec(List.of("stat", "-c", "%s %i %.9Z", wal.toString()), Map.of(), null);
                if (Files.readString(marker).startsWith(identity.stdout().strip() + " ")) {
                    return name;
                }
            }
        }
        try (Stream<Path> markers = Files.list(push.resolve("stored")); Stream<Path> wal = Files.list(source.dataDirectory().resolve("pg_wal"))) {
            throw new AssertionError("no segment in pg_wal is marked stored by the agent; markers " + markers.map(Path::getFileName).toList()
                    + ", pg_wal " + wal.map(Path::getFileName).toList());
        }
    }

    /** The repository's object of WAL file {@code name}. */
    private static Path storedObject(String name) throws IOException {
        try (Stream<Path> files = Files.walk(source.repository().resolve("wal"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + "-")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " is not in the repository"));
        }
    }

    /** Runs the launcher as PostgreSQL does (the server's user, in the data directory) with a jar that cannot start. */
    private static Lifeboat.Run launcherWithoutJvm(Path pgdata, String... args) throws IOException {
        Path jar = source.scratch().resolve("not-a-jar.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "this is not a jar");
            jar.toFile().setReadable(true, false);
        }
        List<String> command = new ArrayList<>(List.of("runuser", "-u", TestClusters.serverUser().userName(), "--", "env",
                "LIFEBOAT_JAR=" + jar, Lifeboat.launcher().toString()));
        command.addAll(List.of(args));
        return Lifeboat.exec(command, Map.of(), pgdata);
    }

    private static int readyFiles() {
        try (Stream<Path> files = Files.list(source.dataDirectory().resolve("pg_wal/archive_status"))) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".ready")).count();
        } catch (IOException e) {
            return 0;
        }
    }

}
