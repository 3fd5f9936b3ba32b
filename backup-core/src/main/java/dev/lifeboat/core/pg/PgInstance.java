package dev.lifeboat.core.pg;

import dev.lifeboat.core.ShellWords;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;

/**
 * A data directory that exists already (a restored one, a drill's copy, a {@link LocalCluster}'s)
 * started as a server and watched until it is open for writes: the one place Lifeboat starts,
 * stops and connects to a server it runs.
 *
 * <p>{@link #start} returns as soon as the postmaster is launched (recovery may replay WAL for
 * hours); {@link #awaitOpenForWrites} then follows it through {@link StartupPhase}s and fails
 * fast, with the server log's FATAL lines, when the postmaster dies on the way, e.g. "FATAL:
 * recovery ended before configured recovery target was reached". The server is started
 * through {@code pg_ctl start}, which detaches it from this process: it keeps running when
 * Lifeboat exits. A standby (standby.signal) is followed with {@link #awaitConsistent} instead,
 * and later {@link #promote}d. A {@link StartupWatcher} does the following of each start.
 */
public final class PgInstance {

    private final PgBinaries binaries;
    private final ServerUser serverUser;
    private final Path dataDirectory;
    private final Map<String, String> environment;
    private final PgSettings settings;
    private final String connectHost;
    private final String user;
    private final String password;
    private final Duration stopTimeout;

    private int port;
    private Path logFile;
    /** Follows the last start or promotion; null before either. */
    private StartupWatcher watcher;

    private PgInstance(Builder builder) {
        this.binaries = builder.binaries;
        this.serverUser = builder.serverUser != null ? builder.serverUser : ServerUser.detect();
        this.dataDirectory = builder.dataDirectory;
        this.environment = Map.copyOf(builder.environment);
        this.settings = builder.settings;
        this.connectHost = builder.connectHost;
        this.user = builder.user;
        this.password = builder.password;
        this.stopTimeout = builder.stopTimeout;
    }

    /** Options for the instance in {@code dataDirectory}, run with {@code binaries}. */
    public static Builder builder(PgBinaries binaries, Path dataDirectory) {
        return new Builder(binaries, dataDirectory);
    }

    /**
     * Launches the server on {@code port}, its output appended to {@code logFile}, and returns
     * without waiting for anything: follow it with {@link #awaitOpenForWrites}.
     *
     * <p>Before launching it gives the data directory and the log file to the server user, and
     * narrows the data directory's mode to 0700 when it is wider (PostgreSQL refuses to start
     * otherwise, and copies often are wider).
     *
     * @throws LifeboatException {@link ErrorCode#DESTINATION} when the port is in use or a
     *     server already runs on the data directory, {@link ErrorCode#RECOVERY} when it is no
     *     data directory or pg_ctl refuses
     */
    public void start(int port, Path logFile) {
        if (!Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))) {
            throw new LifeboatException(ErrorCode.RECOVERY,
                    dataDirectory + " is not a PostgreSQL data directory (no PG_VERSION)");
        }
        Optional<PostmasterPidFile> existing = PostmasterPidFile.read(dataDirectory);
        if (existing.isPresent() && existing.get().processAlive()) {
            throw new LifeboatException(ErrorCode.DESTINATION,
                    "a server already runs on " + dataDirectory + " (pid " + existing.get().pid() + ")",
                    "stop it first (pg_ctl stop -D " + dataDirectory + ")");
        }
        FreePort.requireFree(port);
        this.port = port;
        this.logFile = logFile.toAbsolutePath();
        prepareFiles();

        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        settings.values().forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        List<String> command = List.of(
                binaries.binDirectory().resolve("pg_ctl").toString(), "start", "-W",
                "-D", dataDirectory.toString(), "-l", this.logFile.toString(),
                // pg_ctl hands -o to /bin/sh: each word quoted for it.
                "-o", ShellWords.join(options));
        this.watcher = new StartupWatcher(this, this.logFile, new ServerLog(this.logFile).size(), Instant.now(),
                existing.orElse(null), -1, false);
        ExternalCommand.Result result =
                new ExternalCommand(serverUser.wrap(command), environment, Duration.ofSeconds(60)).run();
        if (!result.succeeded()) {
            throw new LifeboatException(ErrorCode.RECOVERY,
                    "pg_ctl could not start PostgreSQL on " + dataDirectory + ": " + result.output(),
                    "see the server log " + this.logFile);
        }
    }

    private void prepareFiles() {
        try {
            // The two modes PostgreSQL accepts: 0700, or 0750 for group read access.
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dataDirectory);
            if (!mode.equals(PosixFilePermissions.fromString("rwx------"))
                    && !mode.equals(PosixFilePermissions.fromString("rwxr-x---"))) {
                Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
            }
            Files.createDirectories(logFile.getParent());
            if (!Files.exists(logFile)) {
                Files.createFile(logFile);
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.RECOVERY,
                    "cannot prepare " + dataDirectory + " and " + logFile + ": " + e.getMessage(), null, e);
        }
        serverUser.handOver(dataDirectory);
        serverUser.handOver(logFile);
        serverUser.requireReachable(dataDirectory);
        serverUser.requireReachable(logFile);
        serverUser.requireReachable(binaries.binDirectory().resolve("postgres"));
    }

    /**
     * Waits until the server takes writes, telling {@code listener} each phase as it is
     * reached, and the replayed WAL position about once a second during recovery.
     *
     * @return the phases reached, in order (without the repeated {@link StartupPhase#RECOVERING})
     * @throws LifeboatException {@link ErrorCode#RECOVERY} when the postmaster dies (the message
     *     holds the server log's FATAL and PANIC lines), when recovery pauses (e.g. at a target
     *     with recovery_target_action = pause) or the data directory is a standby's;
     *     {@link ErrorCode#POSTGRES} when the server refuses the login; {@link ErrorCode#TIMEOUT}
     *     after {@code timeout}
     */
    public List<StartupProgress> awaitOpenForWrites(Duration timeout, StartupListener listener) {
        if (watcher == null) {
            throw new IllegalStateException("start() first");
        }
        if (Files.exists(dataDirectory.resolve("standby.signal"))) {
            throw new LifeboatException(ErrorCode.RECOVERY,
                    dataDirectory + " has standby.signal: it runs as a standby and never opens for writes",
                    "remove standby.signal (a restore uses recovery.signal), or wait with awaitConsistent");
        }
        return watcher.await(timeout, true, listener);
    }

    /**
     * Waits until the server takes connections: for a standby (standby.signal), until it is
     * consistent and serves read-only queries while it goes on replaying WAL. Fails like
     * {@link #awaitOpenForWrites}.
     *
     * @return the phases reached: {@link StartupPhase#PROCESS_STARTED}, {@link StartupPhase#ACCEPTING_CONNECTIONS}
     */
    public List<StartupProgress> awaitConsistent(Duration timeout, StartupListener listener) {
        if (watcher == null) {
            throw new IllegalStateException("start() first");
        }
        return watcher.await(timeout, false, listener);
    }

    /**
     * After {@link #awaitConsistent}, for a start with recovery_target_action = pause: waits
     * until recovery has paused at the target (or the server was promoted meanwhile).
     *
     * @throws LifeboatException {@link ErrorCode#RECOVERY} when the server stops first,
     *     {@link ErrorCode#TIMEOUT} after {@code timeout}
     */
    public void awaitPausedAtTarget(Duration timeout) {
        if (watcher == null) {
            throw new IllegalStateException("start() first");
        }
        watcher.awaitPausedAtTarget(timeout);
    }

    /**
     * Promotes the standby that runs on this data directory ({@code pg_ctl promote}) and waits
     * until it takes writes, timing each phase from the request to promote.
     *
     * @param logFile the server's log file, read for the FATAL lines if it dies; null when unknown
     * @return the phases reached, ending with {@link StartupPhase#OPEN_FOR_WRITES}
     * @throws LifeboatException {@link ErrorCode#POSTGRES} when no server runs there,
     *     {@link ErrorCode#RECOVERY} when pg_ctl refuses (e.g. it is no standby) or the server
     *     dies, {@link ErrorCode#TIMEOUT} after {@code timeout}
     */
    public List<StartupProgress> promote(Path logFile, Duration timeout, StartupListener listener) {
        PostmasterPidFile running = PostmasterPidFile.read(dataDirectory).filter(PostmasterPidFile::processAlive)
                .orElseThrow(() -> new LifeboatException(ErrorCode.POSTGRES, "no PostgreSQL server runs on " + dataDirectory,
                        "start the standby first, or check --pgdata"));
        if (running.port() <= 0) {
            throw new LifeboatException(ErrorCode.POSTGRES, "the server on " + dataDirectory + " has not said its port yet",
                    "wait until it has started, then promote");
        }
        this.port = running.port();
        this.logFile = logFile == null ? null : logFile.toAbsolutePath();
        this.watcher = new StartupWatcher(this, this.logFile, logFile == null ? 0 : new ServerLog(this.logFile).size(), Instant.now(),
                null, running.pid(), true);
        List<String> command = List.of(binaries.binDirectory().resolve("pg_ctl").toString(), "promote", "-W",
                "-D", dataDirectory.toString());
        ExternalCommand.Result result = new ExternalCommand(serverUser.wrap(command), environment, Duration.ofSeconds(60)).run();
        if (!result.succeeded()) {
            throw new LifeboatException(ErrorCode.RECOVERY, "pg_ctl could not promote " + dataDirectory + ": " + result.output(),
                    "only a standby (standby.signal) in recovery can be promoted");
        }
        return watcher.await(timeout, true, listener);
    }

    /**
     * Where the recovery of this start replayed its last WAL record, as the server logged it
     * ("redo done at 0/3000148": the start of that record); empty when it logged none (no
     * recovery, or messages in another language than lc_messages = C).
     */
    public Optional<String> redoDoneAt() {
        return watcher == null ? Optional.empty() : watcher.redoDoneAt();
    }

    /** Stops the server the normal way (fast). Does nothing when it is not running. */
    public void stop() {
        stop(ShutdownMode.FAST);
    }

    /** Stops the server and waits until it has exited. Does nothing when it is not running. */
    public void stop(ShutdownMode mode) {
        if (!isRunning()) {
            return;
        }
        List<String> command = List.of(binaries.binDirectory().resolve("pg_ctl").toString(),
                "stop", "-w", "-t", Long.toString(Math.max(1, stopTimeout.toSeconds())), "-m", mode.pgCtlName(), "-D", dataDirectory.toString());
        ExternalCommand.Result result =
                new ExternalCommand(serverUser.wrap(command), environment, stopTimeout.plusSeconds(30)).run();
        if (!result.succeeded() && isRunning()) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "PostgreSQL on " + dataDirectory + " did not stop: " + result.output(),
                    logFile == null ? null : "see the server log " + logFile);
        }
    }

    /** Whether a postmaster runs on the data directory. */
    public boolean isRunning() {
        return PostmasterPidFile.read(dataDirectory).map(PostmasterPidFile::processAlive).orElse(false);
    }

    /** The postmaster's process id, while one runs. */
    public OptionalLong pid() {
        return PostmasterPidFile.read(dataDirectory)
                .filter(PostmasterPidFile::processAlive)
                .map(file -> OptionalLong.of(file.pid()))
                .orElse(OptionalLong.empty());
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The port given to {@link #start}, or 0 before. */
    public int port() {
        return port;
    }

    /** The log file given to {@link #start}, or null before. */
    public Path logFile() {
        return logFile;
    }

    /** {@code jdbc:postgresql://<connect host>:<port>/postgres}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The user, password and timeouts that {@link #connect()} uses. */
    public Properties connectionProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "lifeboat");
        return properties;
    }

    /** A new connection to the {@code postgres} database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), connectionProperties());
    }

    /** {@code jdbc:postgresql://<connect host>:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + connectHost + ":" + port + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A new connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), connectionProperties());
    }

    /** The host connections go to (127.0.0.1 unless the builder said otherwise). */
    public String connectHost() {
        return connectHost;
    }

    /** The user connections log in as, and its password (null when none is needed). */
    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** Options for a {@link PgInstance}. */
    public static final class Builder {
        private final PgBinaries binaries;
        private final Path dataDirectory;
        private ServerUser serverUser;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private PgSettings settings = PgSettings.empty();
        private String connectHost = "127.0.0.1";
        private String user = "postgres";
        private String password;
        private Duration stopTimeout = Duration.ofSeconds(120);

        private Builder(PgBinaries binaries, Path dataDirectory) {
            this.binaries = Objects.requireNonNull(binaries);
            this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
        }

        /** Who runs the server; default {@link ServerUser#detect()}. */
        public Builder serverUser(ServerUser serverUser) {
            this.serverUser = Objects.requireNonNull(serverUser);
            return this;
        }

        /** Environment variables for pg_ctl and so the server and its restore_command. */
        public Builder environment(Map<String, String> environment) {
            this.environment.putAll(environment);
            return this;
        }

        /**
         * A setting given on the server's command line ({@code -c name=value}), winning over
         * the data directory's configuration files without changing them: e.g.
         * listen_addresses or unix_socket_directories for a copy that runs beside its original.
         */
        public Builder setting(String name, String value) {
            this.settings = settings.with(name, value);
            return this;
        }

        /** Where to connect while waiting; default 127.0.0.1 (listen_addresses must include it). */
        public Builder connectHost(String connectHost) {
            this.connectHost = Objects.requireNonNull(connectHost);
            return this;
        }

        /** The user to connect as while waiting; default "postgres". */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user);
            return this;
        }

        /** The password for {@link #user}, when pg_hba.conf asks for one. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** How long a stop may take before it fails; default 120 s. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout);
            return this;
        }

        public PgInstance build() {
            return new PgInstance(this);
        }
    }
}
