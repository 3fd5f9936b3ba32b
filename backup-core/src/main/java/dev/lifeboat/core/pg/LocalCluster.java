package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A PostgreSQL cluster that Lifeboat creates with initdb and runs itself: the throwaway
 * cluster of a test, {@code lifeboat demo}, a drill's scratch instance.
 *
 * <p>Its directory holds {@code data/} (the data directory), {@code run/} (a private Unix
 * socket directory) and {@code postgresql.log}. The server listens on 127.0.0.1 only, with
 * {@code trust} authentication for the configured superuser: anyone on this machine can
 * connect, so it must never hold anything that matters.
 *
 * <p>This class is initdb plus settings (its {@link Builder}); starting, stopping and
 * connecting are {@link PgInstance}'s, which it hands over to.
 *
 * <pre>{@code
 * try (LocalCluster pg = LocalCluster.builder().archiveCommand("cp %p /srv/archive/%f").start();
 *         Connection connection = pg.connect()) {
 *     connection.createStatement().execute("CREATE TABLE t (id int)");
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {

    /** Unix socket paths longer than this do not fit in sockaddr_un (108 bytes with the NUL). */
    private static final int MAX_SOCKET_PATH = 107;

    private final PgBinaries binaries;
    private final ServerUser serverUser;
    private final Path baseDirectory;
    private final Path dataDirectory;
    private final Path socketDirectory;
    private final Path logFile;
    private final int port;
    private final PortReservation portReservation;
    private final String superuser;
    private final Map<String, String> environment;
    private final Duration startTimeout;
    private final boolean deleteOnClose;
    /** Starts, stops and connects to the server: the one implementation of those. */
    private final PgInstance instance;

    private LocalCluster(Builder builder, Path baseDirectory, Path socketDirectory, int port,
            PortReservation portReservation) {
        this.binaries = builder.binaries;
        this.serverUser = builder.serverUser;
        this.baseDirectory = baseDirectory;
        this.dataDirectory = baseDirectory.resolve("data");
        this.socketDirectory = socketDirectory;
        this.logFile = baseDirectory.resolve("postgresql.log");
        this.port = port;
        this.portReservation = portReservation;
        this.superuser = builder.superuser;
        this.environment = Map.copyOf(builder.environment);
        this.startTimeout = builder.startTimeout;
        this.deleteOnClose = builder.deleteOnClose;
        this.instance = PgInstance.builder(binaries, dataDirectory)
                .serverUser(serverUser)
                .environment(environment)
                .user(superuser)
                .stopTimeout(startTimeout)
                .build();
    }

    /** Options for a new cluster; every one has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the server and waits until it accepts connections. Does nothing when it runs.
     *
     * @throws LifeboatException {@link ErrorCode#DESTINATION} when the port is in use,
     *     {@link ErrorCode#POSTGRES} with the server log's FATAL lines when it did not start
     */
    public void start() {
        if (isRunning()) {
            return;
        }
        FreePort.requireFree(port);
        long logOffset = new ServerLog(logFile).size();
        try {
            instance.start(port, logFile);
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.RECOVERY) {
                throw e; // refused before launching (the port, the server user's reach): the message says why
            }
            throw didNotStart(logOffset, e);
        }
        try {
            instance.awaitConsistent(startTimeout, StartupListener.NONE);
        } catch (LifeboatException e) {
            throw didNotStart(logOffset, e);
        }
    }

    /** Why a start failed, in the server's own words: the lines it logged since {@code logOffset}. */
    private LifeboatException didNotStart(long logOffset, LifeboatException cause) {
        return new LifeboatException(ErrorCode.POSTGRES,
                "PostgreSQL did not start on port " + port + ": " + new ServerLog(logFile).explainSince(logOffset),
                "see the server log " + logFile, cause);
    }

    /** Stops the server the normal way (fast: clients are disconnected, then a checkpoint). */
    public void stop() {
        stop(ShutdownMode.FAST);
    }

    /** Stops the server and waits until it has exited. Does nothing when it is not running. */
    public void stop(ShutdownMode mode) {
        instance.stop(mode);
    }

    /** Stops (fast) and starts again, e.g. after changing a setting that needs a restart. */
    public void restart() {
        stop(ShutdownMode.FAST);
        start();
    }

    /** Whether the server process is alive. */
    public boolean isRunning() {
        return instance.isRunning();
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String jdbcUrl() {
        return instance.jdbcUrl();
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return instance.jdbcUrl(database);
    }

    /** The superuser and connection settings that {@link #connect()} uses. */
    public Properties connectionProperties() {
        return instance.connectionProperties();
    }

    /** A new connection to the {@code postgres} database as the superuser. */
    public Connection connect() throws SQLException {
        return instance.connect();
    }

    /** A new connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        return instance.connect(database);
    }

    /** The server as a {@link PgInstance}, e.g. to follow a promotion. */
    public PgInstance instance() {
        return instance;
    }

    public PgBinaries binaries() {
        return binaries;
    }

    public ServerUser serverUser() {
        return serverUser;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return superuser;
    }

    /** The directory that holds the data directory, the socket directory and the log. */
    public Path baseDirectory() {
        return baseDirectory;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The Unix socket directory, or null when the path would be too long for a socket. */
    public Path socketDirectory() {
        return socketDirectory;
    }

    /** The server log (pg_ctl -l). */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the server at once if it runs (immediate: nothing here is worth a checkpoint),
     * gives up the port and, unless told otherwise, deletes the base directory.
     */
    @Override
    public void close() {
        try {
            stop(ShutdownMode.IMMEDIATE);
        } finally {
            if (portReservation != null) {
                portReservation.close();
            }
            if (deleteOnClose) {
                ScratchDirectory.deleteTree(baseDirectory);
            }
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + binaries.version() + " on 127.0.0.1:" + port + " (" + dataDirectory + ")";
    }

    /** Options for {@link LocalCluster}; {@link #create()} or {@link #start()} makes one. */
    public static final class Builder {
        private PgBinaries binaries;
        private ServerUser serverUser;
        private Path baseDirectory;
        private int port;
        private String superuser = "postgres";
        private boolean dataChecksums;
        private boolean fsync = true;
        private String archiveCommand;
        private Duration archiveTimeout;
        private Integer maxWalSenders;
        private PgSettings settings = PgSettings.empty();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private boolean deleteOnClose = true;

        private Builder() {
        }

        /** The installation to use; default {@link PgBinaries#locate()}. */
        public Builder binaries(PgBinaries binaries) {
            this.binaries = Objects.requireNonNull(binaries);
            return this;
        }

        /** Who runs the server; default {@link ServerUser#detect()}. */
        public Builder serverUser(ServerUser serverUser) {
            this.serverUser = Objects.requireNonNull(serverUser);
            return this;
        }

        /**
         * Where the cluster lives (created if missing, handed to the server user); default a new
         * {@link ScratchDirectory} under {@code java.io.tmpdir}.
         */
        public Builder baseDirectory(Path baseDirectory) {
            this.baseDirectory = baseDirectory.toAbsolutePath().normalize();
            return this;
        }

        /** The TCP port on 127.0.0.1; default a {@linkplain FreePort#reserve() reserved} free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The superuser's name (initdb -U); default "postgres". */
        public Builder superuser(String superuser) {
            this.superuser = Objects.requireNonNull(superuser);
            return this;
        }

        /** Whether initdb turns on data checksums; default off. */
        public Builder dataChecksums(boolean dataChecksums) {
            this.dataChecksums = dataChecksums;
            return this;
        }

        /** Whether the server syncs to disk; default on. Tests turn it off for speed. */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /**
         * Turns WAL archiving on (archive_mode = on) with this archive_command; default off.
         * Written quoted, so it may hold spaces and quotes.
         */
        public Builder archiveCommand(String archiveCommand) {
            this.archiveCommand = Objects.requireNonNull(archiveCommand);
            return this;
        }

        /** Forces a WAL segment switch after this long without one; default PostgreSQL's (off). */
        public Builder archiveTimeout(Duration archiveTimeout) {
            this.archiveTimeout = archiveTimeout;
            return this;
        }

        /** max_wal_senders; default PostgreSQL's (10). */
        public Builder maxWalSenders(int maxWalSenders) {
            this.maxWalSenders = maxWalSenders;
            return this;
        }

        /** Any other setting, written after (and so winning over) the ones above. */
        public Builder setting(String name, String value) {
            this.settings = settings.with(name, value);
            return this;
        }

        /** Any other settings, written after (and so winning over) the ones above. */
        public Builder settings(PgSettings more) {
            this.settings = settings.withAll(more);
            return this;
        }

        /**
         * Environment variables for initdb, pg_ctl and so the server and its archive_command
         * (e.g. {@code LIFEBOAT_JAR}), on top of this process's own environment.
         */
        public Builder environment(Map<String, String> environment) {
            this.environment.putAll(environment);
            return this;
        }

        /** How long start and stop may take; default 60 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /** Whether {@link LocalCluster#close()} deletes the base directory; default true. */
        public Builder deleteOnClose(boolean deleteOnClose) {
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        /**
         * Runs initdb and writes the settings; the server is not started.
         *
         * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when initdb fails or the
         *     server user cannot reach the directories or binaries
         */
        public LocalCluster create() {
            if (binaries == null) {
                binaries = PgBinaries.locate();
            }
            if (serverUser == null) {
                serverUser = ServerUser.detect();
            }
            ScratchDirectory scratch = baseDirectory == null ? ScratchDirectory.create("lifeboat-pg-") : null;
            Path base = scratch != null ? scratch.path() : baseDirectory;
            PortReservation reservation = port == 0 ? FreePort.reserve() : null;
            int chosenPort = reservation != null ? reservation.port() : port;
            try {
                Path socketDirectory = base.resolve("run");
                boolean socketFits = (socketDirectory + "/.s.PGSQL." + chosenPort).length() <= MAX_SOCKET_PATH;
                createDirectories(base, socketDirectory);
                serverUser.handOver(base);
                serverUser.requireReachable(base.resolve("data"));
                serverUser.requireReachable(binaries.binDirectory().resolve("postgres"));
                LocalCluster cluster = new LocalCluster(this, base, socketFits ? socketDirectory : null,
                        chosenPort, reservation);
                initdb(cluster);
                serverSettings(cluster).appendTo(cluster.dataDirectory.resolve("postgresql.conf"),
                        "Lifeboat LocalCluster");
                return cluster;
            } catch (RuntimeException e) {
                if (reservation != null) {
                    reservation.close();
                }
                if (scratch != null) {
                    scratch.close();
                }
                throw e;
            }
        }

        /** {@link #create()}, then {@link LocalCluster#start()}; closes the cluster if start fails. */
        public LocalCluster start() {
            LocalCluster cluster = create();
            try {
                cluster.start();
                return cluster;
            } catch (RuntimeException e) {
                // The exception carries the log's FATAL lines; deleteOnClose(false) keeps the log too.
                cluster.close();
                throw e;
            }
        }

        private static void createDirectories(Path base, Path socketDirectory) {
            try {
                Files.createDirectories(base);
                Files.createDirectories(base.resolve("data"));
                Files.createDirectories(socketDirectory);
                // Only the server user may use the socket directory and the data directory.
                Files.setPosixFilePermissions(socketDirectory, PosixFilePermissions.fromString("rwx------"));
                Files.setPosixFilePermissions(base.resolve("data"), PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
                throw new LifeboatException(ErrorCode.POSTGRES,
                        "cannot create the cluster directory " + base + ": " + e.getMessage(), null, e);
            }
        }

        private void initdb(LocalCluster cluster) {
            List<String> command = new ArrayList<>(List.of(
                    binaries.binDirectory().resolve("initdb").toString(),
                    "-D", cluster.dataDirectory.toString(),
                    "--no-sync", "-A", "trust", "-U", superuser,
                    "--encoding=UTF8", "--locale=C"));
            if (dataChecksums) {
                command.add("--data-checksums");
            } else if (binaries.majorVersion() >= 18) {
                command.add("--no-data-checksums"); // On by default since 18.
            }
            ExternalCommand.Result result =
                    new ExternalCommand(serverUser.wrap(command), environment, Duration.ofMinutes(5)).run();
            if (!result.succeeded()) {
                throw new LifeboatException(ErrorCode.POSTGRES,
                        "initdb failed for " + cluster.dataDirectory + " " + serverUser + ": " + lastLines(result.output()),
                        "run the same initdb by hand to see why");
            }
        }

        private PgSettings serverSettings(LocalCluster cluster) {
            PgSettings conf = PgSettings.empty()
                    .with("port", cluster.port)
                    .with("listen_addresses", "127.0.0.1")
                    .with("unix_socket_directories",
                            cluster.socketDirectory == null ? "" : cluster.socketDirectory.toString())
                    .with("wal_level", "replica")
                    .with("archive_mode", archiveCommand != null)
                    .with("fsync", fsync)
                    // Logs go to the pg_ctl -l file, in English, with time and process id: the
                    // FATAL lines Lifeboat reports come from there.
                    .with("logging_collector", false)
                    .with("log_destination", "stderr")
                    .with("log_line_prefix", "%m [%p] ")
                    .with("lc_messages", "C");
            if (archiveCommand != null) {
                conf = conf.with("archive_command", archiveCommand);
            }
            if (archiveTimeout != null) {
                conf = conf.with("archive_timeout", archiveTimeout);
            }
            if (maxWalSenders != null) {
                conf = conf.with("max_wal_senders", maxWalSenders);
            }
            return conf.withAll(settings);
        }

        private static String lastLines(String output) {
            List<String> lines = output.lines().toList();
            return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        }
    }
}
