package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.TestClusters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A throwaway cluster set up as an operator with a configuration file would: its repositories
 * in {@code lifeboat.yaml}, archive_command = 'bin/lifeboat wal-push --config lifeboat.yaml %p',
 * and whatever environment the stores need (S3 credentials) in the server's environment, so
 * that archive_command and, in restored instances, restore_command find them.
 */
final class ConfiguredCluster implements AutoCloseable {

    private final ScratchDirectory scratch;
    private final Path config;
    private final Map<String, String> env;
    private final LocalCluster cluster;
    private final List<Path> restored = new ArrayList<>();

    private ConfiguredCluster(ScratchDirectory scratch, Path config, Map<String, String> env, LocalCluster cluster) {
        this.scratch = scratch;
        this.config = config;
        this.env = env;
        this.cluster = cluster;
    }

    /** Starts a cluster archiving with the configuration {@code yaml}, then runs 'lifeboat init' for it. */
    static ConfiguredCluster start(String yaml, Map<String, String> env) {
        return start(yaml, env, List.of());
    }

    /** As {@link #start(String, Map)}, with more options for 'lifeboat init' (e.g. --encrypt). */
    static ConfiguredCluster start(String yaml, Map<String, String> env, List<String> initOptions) {
        ScratchDirectory scratch = ScratchDirectory.create("lifeboat-regions-");
        try {
            Path config = writeConfig(scratch.resolve("lifeboat.yaml"), yaml);
            LocalCluster cluster = TestClusters.builder().baseDirectory(scratch.resolve("source"))
                    .archiveCommand(Lifeboat.launcher() + " wal-push --config " + config + " %p")
                    .environment(env)
                    .start();
            ConfiguredCluster c = new ConfiguredCluster(scratch, config, env, cluster);
            List<String> init = new ArrayList<>(initOptions);
            init.addAll(List.of("--pgdata", c.dataDirectory().toString(), "--pg-port", Integer.toString(c.port())));
            Lifeboat.Run run = c.lifeboat("init", init.toArray(String[]::new));
            assertThat(run.exitCode()).as(run.toString()).isZero();
            return c;
        } catch (IOException | RuntimeException e) {
            scratch.close();
            throw new IllegalStateException("cannot start the test cluster", e);
        }
    }

    /** Writes a configuration file the server user can read. */
    static Path writeConfig(Path file, String yaml) throws IOException {
        Files.writeString(file, yaml);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Another configuration file next to this cluster's (e.g. one in which a region is lost). */
    Path otherConfig(String name, String yaml) {
        try {
            return writeConfig(scratch.resolve(name), yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** bin/lifeboat with this cluster's configuration file and environment. */
    Lifeboat.Run lifeboat(String command, String... args) {
        return lifeboatWith(config, command, args);
    }

    Lifeboat.Run lifeboatWith(Path configFile, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--config", configFile.toString()));
        all.addAll(List.of(args));
        return Lifeboat.run(env, all.toArray(String[]::new));
    }

    Lifeboat.Run backup(String... args) {
        List<String> all = new ArrayList<>(List.of("--pgdata", dataDirectory().toString(), "--pg-port", Integer.toString(port())));
        all.addAll(List.of(args));
        return lifeboat("backup", all.toArray(String[]::new));
    }

    /** Restores with {@code configFile} into a fresh directory and port; close() stops the instance. */
    Lifeboat.Run restore(Path configFile, Path pgdata, int port, String... args) {
        List<String> all = new ArrayList<>(List.of("--pgdata", pgdata.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120"));
        all.addAll(List.of(args));
        restored.add(pgdata);
        return lifeboatWith(configFile, "restore", all.toArray(String[]::new));
    }

    /** Forces a WAL switch and waits until {@code archived} says the finished segment arrived. */
    String switchAndWait(Predicate<String> archived) {
        String segment = ClusterSql.queryForString(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
        ClusterSql.execute(cluster, "SELECT pg_switch_wal()");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!archived.test(segment)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("segment " + segment + " not archived within 60 s; server log: " + cluster.logFile());
            }
            ArchivingCluster.sleep(100);
        }
        return segment;
    }

    /** Stops a restored instance now (close() would stop it too). */
    void stopRestored(Path pgdata) {
        PgInstance.builder(TestClusters.binaries(), pgdata).serverUser(TestClusters.serverUser()).build().stop();
    }

    Path config() {
        return config;
    }

    Map<String, String> env() {
        return new HashMap<>(env);
    }

    LocalCluster cluster() {
        return cluster;
    }

    Path dataDirectory() {
        return cluster.dataDirectory();
    }

    int port() {
        return cluster.port();
    }

    Path newDirectory(String name) {
        return scratch.resolve(name + "-" + System.nanoTime());
    }

    Path scratch() {
        return scratch.path();
    }

    @Override
    public void close() {
        for (Path pgdata : restored) {
            if (Files.exists(pgdata.resolve("postmaster.pid"))) {
                try {
                    PgInstance.builder(TestClusters.binaries(), pgdata).serverUser(TestClusters.serverUser()).build().stop();
                } catch (RuntimeException ignored) {
                    // the scratch directory goes anyway
                }
            }
        }
        try {
            cluster.close();
        } finally {
            scratch.close();
        }
    }
}
