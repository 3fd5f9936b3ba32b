package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.TestClusters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A throwaway cluster whose archive_command is `bin/lifeboat wal-push --repo REPO %p`, with its
 * repository: the setup every end-to-end story starts from. Restored instances it starts
 * are stopped when it closes.
 */
public final class ArchivingCluster implements AutoCloseable {

    private final ScratchDirectory scratch;
    private final Path repository;
    private final LocalCluster cluster;
    private final List<Integer> restoredPorts = new ArrayList<>();
    private final List<Path> restoredDirectories = new ArrayList<>();
    private final List<AgentProcess> agents = new ArrayList<>();
    private Lifeboat.Run init;

    private ArchivingCluster(ScratchDirectory scratch, Path repository, LocalCluster cluster) {
        this.scratch = scratch;
        this.repository = repository;
        this.cluster = cluster;
    }

    /** Starts a cluster archiving into a new repository, and runs `lifeboat init` for it. */
    public static ArchivingCluster start() {
        return start(builder -> { });
    }

    /** As {@link #start()}, for a cluster the test's settings change (other binaries, data checksums). */
    static ArchivingCluster start(java.util.function.Consumer<LocalCluster.Builder> more) {
        ArchivingCluster c = startWithoutInit(List.of(), more);
        Lifeboat.Run init = c.lifeboat("init", "--repo", c.repository.toString(), "--pgdata", c.dataDirectory().toString(),
                "--pg-port", Integer.toString(c.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
        return c;
    }

    /**
     * Starts a cluster archiving with {@code key} into a new repository, and runs
     * `lifeboat init --encrypt` for it (its run is {@link #init()}).
     */
    static ArchivingCluster startEncrypted(TestKeyFile key) {
        ArchivingCluster c = startWithoutInit(List.of("--key-file", key.path().toString()));
        c.init = key.lifeboat(c.repository, "init", "--encrypt", "--pgdata", c.dataDirectory().toString(),
                "--pg-port", Integer.toString(c.port()));
        assertThat(c.init.exitCode()).as(c.init.toString()).isZero();
        return c;
    }

    /** The run of `lifeboat init` that {@link #startEncrypted} made. */
    Lifeboat.Run init() {
        return init;
    }

    /** A port free now, for a restored instance. */
    static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }

    public static ArchivingCluster startWithoutInit() {
        return startWithoutInit(List.of());
    }

    /** As {@link #start()}, for a cluster initialised with data checksums (initdb --data-checksums). */
    public static ArchivingCluster startWithDataChecksums() {
        return start(builder -> builder.dataChecksums(true));
    }

    /** As {@link #startWithoutInit()}, with more options for wal-push in archive_command (e.g. --key-file FILE). */
    public static ArchivingCluster startWithoutInit(List<String> walPushOptions) {
        return startWithoutInit(walPushOptions, builder -> { });
    }

    private static ArchivingCluster startWithoutInit(List<String> walPushOptions, java.util.function.Consumer<LocalCluster.Builder> more) {
        ScratchDirectory scratch = ScratchDirectory.create("lifeboat-story-");
        try {
            Path repository = Files.createDirectories(scratch.resolve("repository"));
            TestClusters.serverUser().handOver(repository);
            String options = walPushOptions.isEmpty() ? "" : String.join(" ", walPushOptions) + " ";
            String archiveCommand = Lifeboat.launcher() + " wal-push " + options + "--repo " + repository + " %p";
            LocalCluster.Builder builder = TestClusters.builder().baseDirectory(scratch.resolve("source"))
                    .archiveCommand(archiveCommand);
            more.accept(builder);
            LocalCluster cluster = builder.start();
            return new ArchivingCluster(scratch, repository, cluster);
        } catch (IOException | RuntimeException e) {
            scratch.close();
            throw new IllegalStateException("cannot start the test cluster", e);
        }
    }

    public Lifeboat.Run lifeboat(String... args) {
        return Lifeboat.run(args);
    }

    /** Starts `lifeboat agent` for this cluster and repository; close it (or kill/stop it) when done. */
    public AgentProcess startAgent(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--repo", repository.toString(), "--pgdata", dataDirectory().toString(),
                "--pg-host", "127.0.0.1", "--pg-port", Integer.toString(port()), "--report-every", "1"));
        args.addAll(List.of(extraArgs));
        return track(AgentProcess.start(scratch.resolve("agent-" + System.nanoTime() + ".log"), args));
    }

    /** Makes close() stop the agent if the test did not. */
    public AgentProcess track(AgentProcess agent) {
        agents.add(agent);
        return agent;
    }

    public Lifeboat.Run backup() {
        return lifeboat("backup", "--repo", repository.toString(), "--pgdata", dataDirectory().toString(),
                "--pg-port", Integer.toString(port()));
    }

    /** Restores into a fresh directory and port; remembers the instance so close() stops it. */
    public Lifeboat.Run restore(Path pgdata, int port, String... targetArgs) {
        return restore(Map.of(), pgdata, port, targetArgs);
    }

    /** As {@link #restore(Path, int, String...)}, with these environment variables set (e.g. a shorter PATH). */
    public Lifeboat.Run restore(Map<String, String> env, Path pgdata, int port, String... targetArgs) {
        List<String> args = new ArrayList<>(List.of("restore", "--repo", repository.toString(), "--pgdata", pgdata.toString(),
                "--port", Integer.toString(port), "--start-timeout", "120"));
        args.addAll(List.of(targetArgs));
        restoredPorts.add(port);
        restoredDirectories.add(pgdata);
        return Lifeboat.run(env, args.toArray(String[]::new));
    }

    public Path newDirectory(String name) {
        return scratch.resolve(name + "-" + System.nanoTime());
    }

    /** Forces a WAL switch and waits until the finished segment is in the repository. */
    public String switchAndWaitForArchive() {
        String segment = ClusterSql.queryForString(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
        ClusterSql.execute(cluster, "SELECT pg_switch_wal()");
        waitForSegment(segment);
        return segment;
    }

    public void waitForSegment(String segment) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!segmentArchived(segment)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("segment " + segment + " not archived within 60 s; server log: " + cluster.logFile());
            }
            sleep(100);
        }
    }

    private boolean segmentArchived(String segment) {
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

    public LocalCluster cluster() {
        return cluster;
    }

    /**
     * A copy of the repository as it stands, for a test that damages it. The source may still
     * be archiving: an upload in flight (.tmp-*) is not part of the repository, and an object
     * renamed after the listing is skipped; the copy holds what the backups already need.
     */
    public Path copyOfTheRepository(String name) {
        Path copy = newDirectory(name);
        try (Stream<Path> walk = Files.walk(repository())) {
            for (Path p : walk.toList()) {
                Path target = copy.resolve(repository().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().startsWith(".tmp-")) {
                    try {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (NoSuchFileException renamedMeanwhile) {
                        // renamed into a newer WAL object after the listing
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    public Path repository() {
        return repository;
    }

    public Path dataDirectory() {
        return cluster.dataDirectory();
    }

    public int port() {
        return cluster.port();
    }

    public Path scratch() {
        return scratch.path();
    }

    /** Runs a query on any instance on this machine (e.g. a restored one). */
    public static String query(int port, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("query on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    public static void execute(int port, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", null);
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("statement on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    /** Stops a restored instance (and forgets it). */
    public void stopRestored(Path pgdata) {
        PgInstance.builder(cluster.binaries(), pgdata).serverUser(TestClusters.serverUser()).build().stop();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        agents.forEach(AgentProcess::close);
        for (Path pgdata : restoredDirectories) {
            if (Files.exists(pgdata.resolve("postmaster.pid"))) {
                try {
                    stopRestored(pgdata);
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
