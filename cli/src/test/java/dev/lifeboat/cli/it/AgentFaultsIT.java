package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent can die at any moment: archiving carries on through the JVM wal-push, nothing is
 * lost, and no WAL file ends up stored twice with different content. A restarted agent takes
 * over again, and the launcher then answers from it without starting a JVM.
 */
@RunsAlone
class AgentFaultsIT {

    private static final String MANY_SEGMENTS = "DO $$ BEGIN FOR i IN 1..%d LOOP"
            + " INSERT INTO filler SELECT repeat(md5(g::text), 30) FROM generate_series(1, 2000) g; PERFORM pg_switch_wal();"
            + " END LOOP; END $$";

    @Test
    void anAgentKilledWhilePushingLosesNothingAndTheLauncherCarriesOnWithoutIt() throws Exception {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            ClusterSql.execute(source.cluster(), "CREATE TABLE filler (t text)");
            String first = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            AgentProcess agent = source.startAgent("--jobs", "1");
            Path stored = source.dataDirectory().resolve("pg_wal/.lifeboat/push/stored");
            ClusterSql.execute(source.cluster(), String.format(MANY_SEGMENTS, 12));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (count(stored) == 0 && System.nanoTime() < deadline) {
                ArchivingCluster.sleep(10);
            }
            agent.kill(); // in the middle of the pushes: the first is stored, eleven are not
            String last = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            source.switchAndWaitForArchive(); // the launcher finds no live agent and runs the JVM wal-push

            AgentProcess again = source.startAgent();
            try {
                ClusterSql.execute(source.cluster(), String.format(MANY_SEGMENTS, 4));
                String newest = source.switchAndWaitForArchive();
                everyNameStoredOnceAndReadable(source, first, newest);
                assertThat(count(stored)).as("the new agent vouches for what it stored").isPositive();
                assertThat(last.compareTo(first)).isPositive();

                assertThat(again.stop()).as(again.log()).isZero();
                assertThat(source.dataDirectory().resolve("pg_wal/.lifeboat/push/heartbeat")).as("launchers know at once").doesNotExist();
            } finally {
                again.close();
            }
        }
    }

    @Test
    void theLauncherAsksTheAgentForAFileNotYetStoredAndWaitsForItWithoutAJvm() throws Exception {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            String segment = source.switchAndWaitForArchive();
            // A second repository of the same cluster, which does not have the segment yet, and a second data
            // directory holding a copy of it that is not marked ready: only the launcher's request gets it stored.
            Path repository = secondRepository(source);
            Path pgdata = dataDirectoryWithCopyOf(source, segment);
            Path walCopy = pgdata.resolve("pg_wal").resolve(segment);
            TestClusters.serverUser().handOver(pgdata);
            try (AgentProcess agent = source.track(AgentProcess.start(source.scratch().resolve("copy-agent.log"), List.of("--repo",
                    repository.toString(), "--pgdata", pgdata.toString(), "--report-every", "1")))) {
                Lifeboat.Run push = launcherWithoutJvm(source, pgdata, "wal-push", "--repo", repository.toString(), "pg_wal/" + segment);
                assertThat(push.exitCode()).as(push + "\nagent:\n" + agent.log()).isZero();
                assertThat(pgdata.resolve("pg_wal/.lifeboat/push/stored").resolve(segment)).exists();
                assertThat(pgdata.resolve("pg_wal/.lifeboat/push/requests").resolve(segment)).doesNotExist();
                try (Repository second = Repository.open(BlobStores.openWithDefaults(repository.toString()))) {
                    assertThat(second.wal().find(segment)).isPresent();
                }

                // The same name with other bytes: the agent refuses it and the launcher hands over to the JVM, which says why.
                byte[] bytes = Files.readAllBytes(walCopy);
                bytes[bytes.length - 1] ^= 1;
                Files.write(walCopy, bytes);
                Lifeboat.Run different = Lifeboat.exec(List.of("runuser", "-u", TestClusters.serverUser().userName(), "--",
                        Lifeboat.launcher().toString(), "wal-push", "--repo", repository.toString(), "pg_wal/" + segment),
                        Map.of(), pgdata);
                BadInputIT.assertFailure(different, 10, "already archived", "own repository");
            }
        }
    }

    @Test
    void aRequestTheLauncherCannotFileGoesToTheJvmInsteadOfFailingArchiveCommand() throws Exception {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            String segment = source.switchAndWaitForArchive();
            Path repository = secondRepository(source);
            // A data directory with a copy of the segment and an agent directory that looks alive, whose
            // requests directory the server's user cannot write into.
            Path pgdata = dataDirectoryWithCopyOf(source, segment);
            Path push = Files.createDirectories(pgdata.resolve("pg_wal/.lifeboat/push"));
            for (String directory : List.of("stored", "failed", "requests")) {
                Files.createDirectories(push.resolve(directory));
            }
            Files.writeString(push.resolve("repository"), repository + "\n");
            Files.writeString(push.resolve("heartbeat"), "");
            TestClusters.serverUser().handOver(pgdata);
            Files.setPosixFilePermissions(push.resolve("requests"), java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));

            Lifeboat.Run pushed = Lifeboat.exec(List.of("runuser", "-u", TestClusters.serverUser().userName(), "--",
                    Lifeboat.launcher().toString(), "wal-push", "--repo", repository.toString(), "pg_wal/" + segment), Map.of(), pgdata);

            assertThat(pushed.exitCode()).as(pushed.toString()).isZero();
            try (Repository second = Repository.open(BlobStores.openWithDefaults(repository.toString()))) {
                assertThat(second.wal().find(segment)).as("stored by the JVM wal-push").isPresent();
            }
        }
    }

    /** A new data directory whose pg_wal holds a copy of the source's segment, not marked ready. */
    private static Path dataDirectoryWithCopyOf(ArchivingCluster source, String segment) throws IOException {
        Path pgdata = source.newDirectory("copy");
        Path walCopy = Files.createDirectories(pgdata.resolve("pg_wal/archive_status")).getParent().resolve(segment);
        Files.copy(source.dataDirectory().resolve("pg_wal").resolve(segment), walCopy, StandardCopyOption.REPLACE_EXISTING);
        return pgdata;
    }

    /** A second repository of the source cluster, empty. */
    private static Path secondRepository(ArchivingCluster source) throws IOException {
        Path repository = Files.createDirectories(source.newDirectory("second-repository"));
        TestClusters.serverUser().handOver(repository);
        Lifeboat.Run init = Lifeboat.run("init", "--repo", repository.toString(), "--pgdata", source.dataDirectory().toString(),
                "--pg-port", Integer.toString(source.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
        return repository;
    }

    /** Runs the launcher as PostgreSQL does (the server's user, in the data directory) with a jar that cannot start. */
    private static Lifeboat.Run launcherWithoutJvm(ArchivingCluster source, Path pgdata, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of("runuser", "-u", TestClusters.serverUser().userName(), "--", "env",
                "LIFEBOAT_JAR=" + brokenJar(source), Lifeboat.launcher().toString()));
        command.addAll(List.of(args));
        return Lifeboat.exec(command, Map.of(), pgdata);
    }

    private static Path brokenJar(ArchivingCluster source) throws IOException {
        Path jar = source.scratch().resolve("not-a-jar.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "this is not a jar");
            jar.toFile().setReadable(true, false);
        }
        return jar;
    }

    private static void everyNameStoredOnceAndReadable(ArchivingCluster source, String first, String last) throws IOException {
        Path scratch = Files.createDirectories(source.scratch().resolve("read-back"));
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
            long expected = Long.parseLong(first.substring(16), 16);
            long end = Long.parseLong(last.substring(16), 16);
            for (long n = expected; n <= end; n++) {
                String name = String.format("%s%08X", first.substring(0, 16), n);
                List<ArchivedWal> copies = repository.wal().findAll(name);
                assertThat(copies).as(name).hasSize(1);
                repository.wal().fetch(copies.get(0), scratch.resolve(name));
                Files.delete(scratch.resolve(name));
            }
        }
    }

    private static long count(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
