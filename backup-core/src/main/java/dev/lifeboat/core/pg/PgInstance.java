package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * A data directory that exists already (a restored one, a drill's copy) started as a server
 * and watched until it is open for writes.
 *
 * <p>{@link #start} returns as soon as the postmaster is launched (recovery may replay WAL for
 * hours); {@link #awaitOpenForWrites} then follows it through {@link StartupPhase}s and fails
 * fast, with the server log's FATAL lines, when the postmaster dies on the way, e.g. "FATAL:
 * recovery ended before configured recovery target was reached". The server is started
 * through {@code pg_ctl start}, which detaches it from this process: it keeps running when
 * Lifeboat exits. A standby (standby.signal) is followed with {@link #awaitConsistent} instead,
 * and later {@link #promote}d.
 */
public final class PgInstance {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final java.util.regex.Pattern REDO_DONE = java.util.regex.Pattern.compile("redo done at ([0-9A-F]+/[0-9A-F]+)");

    private final PgBinaries binaries;
    private final ServerUser serverUser;
    private final Path dataDirectory;
    private final Map<String, String> environment;
    private final PgSettings settings;
    private final String connectHost;
    private final String user;
    private final String password;

    private int port;
    private Path logFile;
    private long logOffset;
    private Instant startedAt;
    private PostmasterPidFile stalePidFile;

    private PgInstance(Builder builder) {
        this.binaries = builder.binaries;
        this.serverUser = builder.serverUser != null ? builder.serverUser : ServerUser.detect();
        this.dataDirectory = builder.dataDirectory;
        this.environment = Map.copyOf(builder.environment);
        this.settings = builder.settings;
        this.connectHost = builder.connectHost;
        this.user = builder.user;
        this.password = builder.password;
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
        this.stalePidFile = existing.orElse(null);
        prepareFiles();

        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port)));
        settings.values().forEach((name, value) -> options.addAll(List.of("-c", name + "=" + value)));
        List<String> command = List.of(
                binaries.binDirectory().resolve("pg_ctl").toString(), "start", "-W",
                "-D", dataDirectory.toString(), "-l", this.logFile.toString(),
                // pg_ctl hands -o to /bin/sh: quote every word.
                "-o", String.join(" ", options.stream().map(PgInstance::shellQuote).toList()));
        ServerLog log = new ServerLog(this.logFile);
        this.logOffset = log.size();
        this.startedAt = Instant.now();
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
        if (startedAt == null) {
            throw new IllegalStateException("start() first");
        }
        if (Files.exists(dataDirectory.resolve("standby.signal"))) {
            throw new LifeboatException(ErrorCode.RECOVERY,
                    dataDirectory + " has standby.signal: it runs as a standby and never opens for writes",
                    "remove standby.signal (a restore uses recovery.signal), or wait with awaitConsistent");
        }
        return await(new StartupWatch(listener), timeout, true);
    }

    /**
     * Waits until the server takes connections: for a standby (standby.signal), until it is
     * consistent and serves read-only queries while it goes on replaying WAL. Fails like
     * {@link #awaitOpenForWrites}.
     *
     * @return the phases reached: {@link StartupPhase#PROCESS_STARTED}, {@link StartupPhase#ACCEPTING_CONNECTIONS}
     */
    public List<StartupProgress> awaitConsistent(Duration timeout, StartupListener listener) {
        if (startedAt == null) {
            throw new IllegalStateException("start() first");
        }
        return await(new StartupWatch(listener), timeout, false);
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
        this.logOffset = logFile == null ? 0 : new ServerLog(this.logFile).size();
        this.stalePidFile = null;
        this.startedAt = Instant.now();
        List<String> command = List.of(binaries.binDirectory().resolve("pg_ctl").toString(), "promote", "-W",
                "-D", dataDirectory.toString());
        ExternalCommand.Result result = new ExternalCommand(serverUser.wrap(command), environment, Duration.ofSeconds(60)).run();
        if (!result.succeeded()) {
            throw new LifeboatException(ErrorCode.RECOVERY, "pg_ctl could not promote " + dataDirectory + ": " + result.output(),
                    "only a standby (standby.signal) in recovery can be promoted");
        }
        StartupWatch watch = new StartupWatch(listener);
        watch.pid = running.pid();
        watch.promoting = true;
        return await(watch, timeout, true);
    }

    /** Polls until the server takes writes ({@code writable}) or just connections. */
    private List<StartupProgress> await(StartupWatch watch, Duration timeout, boolean writable) {
        Instant deadline = Instant.now().plus(timeout);
        Connection connection = null;
        try {
            while (true) {
                Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(dataDirectory)
                        .filter(file -> stalePidFile == null || !file.sameServer(stalePidFile));
                if (watch.pid < 0 && pidFile.isPresent()) {
                    watch.pid = pidFile.get().pid();
                    watch.reach(StartupPhase.PROCESS_STARTED, null);
                }
                failIfDead(watch);
                if (connection == null && pidFile.isPresent() && pidFile.get().acceptsConnections()) {
                    connection = tryConnect();
                    if (connection != null) {
                        watch.reach(StartupPhase.ACCEPTING_CONNECTIONS, null);
                        if (!writable) {
                            return watch.reached;
                        }
                    }
                }
                if (connection != null) {
                    try {
                        if (watch.openForWrites(connection)) {
                            return watch.reached;
                        }
                    } catch (SQLException e) {
                        // The server went away under the connection: the next round says why.
                        closeQuietly(connection);
                        connection = null;
                    }
                }
                if (Instant.now().isAfter(deadline)) {
                    failIfDead(watch);
                    throw new LifeboatException(ErrorCode.TIMEOUT,
                            "PostgreSQL on port " + port + " was not " + (writable ? "open for writes" : "consistent") + " after "
                                    + timeout.toSeconds() + " s (" + watch.lastStep() + ")",
                            logFile == null ? "it may still be recovering" : "it may still be recovering; see the server log " + logFile);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while waiting for PostgreSQL to start");
        } finally {
            closeQuietly(connection);
        }
    }

    /** Fails when the postmaster has died, or died before writing its pid file. */
    private void failIfDead(StartupWatch watch) {
        if (logFile == null) {
            if (watch.pid >= 0 && !PostmasterPidFile.isAlive(watch.pid)) {
                throw new LifeboatException(ErrorCode.RECOVERY, "PostgreSQL on " + dataDirectory + " stopped",
                        "see its server log");
            }
            return;
        }
        ServerLog log = new ServerLog(logFile);
        boolean dead;
        if (watch.pid >= 0) {
            dead = !PostmasterPidFile.isAlive(watch.pid);
        } else {
            // No pid file yet: a postmaster that stops this early (bad setting, bad
            // permissions) says so in the log before it exits.
            dead = !log.problemsSince(logOffset).isEmpty();
        }
        if (dead) {
            Optional<String> fetchFailure = log.restoreCommandFailureSince(logOffset);
            if (fetchFailure.isPresent()) {
                throw new LifeboatException(ErrorCode.RECOVERY, fetchFailure.get() + " (PostgreSQL on " + dataDirectory + " stopped)",
                        "run 'lifeboat verify' to list every damaged or missing object in the repository; see the server log " + logFile);
            }
            throw new LifeboatException(ErrorCode.RECOVERY,
                    "PostgreSQL stopped while starting on " + dataDirectory + ": " + log.explainSince(logOffset),
                    "see the server log " + logFile);
        }
    }

    /** A connection, or null while the server is not ready for it. */
    private Connection tryConnect() {
        Properties properties = connectionProperties();
        properties.setProperty("socketTimeout", "60");
        try {
            return DriverManager.getConnection(jdbcUrl(), properties);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("28")) {
                throw new LifeboatException(ErrorCode.POSTGRES,
                        "PostgreSQL on port " + port + " runs but refuses the login of " + user + ": " + e.getMessage(),
                        "allow " + user + " from " + connectHost + " in pg_hba.conf, or give its password");
            }
            return null;
        }
    }

    /**
     * Where the recovery of this start replayed its last WAL record, as the server logged it
     * ("redo done at 0/3000148": the start of that record); empty when it logged none (no
     * recovery, or messages in another language than lc_messages = C).
     */
    public Optional<String> redoDoneAt() {
        if (logFile == null) {
            return Optional.empty();
        }
        return new ServerLog(logFile).lastMatchSince(logOffset, REDO_DONE);
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
                "stop", "-w", "-t", "120", "-m", mode.pgCtlName(), "-D", dataDirectory.toString());
        ExternalCommand.Result result =
                new ExternalCommand(serverUser.wrap(command), environment, Duration.ofSeconds(150)).run();
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
        return "jdbc:postgresql://" + connectHost + ":" + port + "/postgres";
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

    /** A new connection to {@code database}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + connectHost + ":" + port + "/"
                + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"),
                connectionProperties());
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

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection: nothing to do.
            }
        }
    }

    /** The phases reached so far, and what the listener has been told. */
    private final class StartupWatch {
        private final StartupListener listener;
        private final List<StartupProgress> reached = new ArrayList<>();
        private long pid = -1;
        private String lastLsn;
        private Instant lastProgress = Instant.EPOCH;
        /** A promotion was asked for: a pause (at a target) ends by itself once the server notices. */
        private boolean promoting;

        StartupWatch(StartupListener listener) {
            this.listener = listener;
        }

        void reach(StartupPhase phase, String lsn) {
            Instant now = Instant.now();
            StartupProgress progress = new StartupProgress(phase, now, Duration.between(startedAt, now), lsn);
            if (phase != StartupPhase.RECOVERING) {
                reached.add(progress);
            }
            listener.onProgress(progress);
        }

        boolean has(StartupPhase phase) {
            return reached.stream().anyMatch(progress -> progress.phase() == phase);
        }

        String lastStep() {
            String last = reached.isEmpty() ? "not started" : "last phase " + reached.get(reached.size() - 1).phase();
            return lastLsn == null ? last : last + ", replayed up to " + lastLsn;
        }

        /** One look through {@code connection}: true once a write succeeded. */
        boolean openForWrites(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                if (!has(StartupPhase.RECOVERY_FINISHED)) {
                    // pg_is_wal_replay_paused() fails outside recovery, hence the CASE.
                    try (ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery(), "
                            + "pg_last_wal_replay_lsn()::text, "
                            + "CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END")) {
                        row.next();
                        boolean inRecovery = row.getBoolean(1);
                        String lsn = row.getString(2);
                        if (inRecovery) {
                            recovering(lsn, row.getBoolean(3));
                            return false;
                        }
                        if (lsn != null) {
                            lastLsn = lsn;
                        }
                        reach(StartupPhase.RECOVERY_FINISHED, lastLsn);
                    }
                }
                try {
                    // Assigning a transaction id is a write: it fails while in recovery.
                    statement.executeQuery("SELECT txid_current()").close();
                } catch (SQLException e) {
                    if ("25006".equals(e.getSQLState())) { // read_only_sql_transaction
                        return false;
                    }
                    throw e;
                }
                reach(StartupPhase.OPEN_FOR_WRITES, lastLsn);
                return true;
            }
        }

        private void recovering(String lsn, boolean paused) {
            if (paused && !promoting) {
                throw new LifeboatException(ErrorCode.RECOVERY,
                        "recovery on port " + port + " is paused at " + lsn
                                + " (recovery_target_action = 'pause'?): it will not open for writes by itself",
                        "look at it, then SELECT pg_wal_replay_resume() to promote, or stop it");
            }
            Instant now = Instant.now();
            if (lsn != null && !lsn.equals(lastLsn) && Duration.between(lastProgress, now).compareTo(PROGRESS_EVERY) >= 0) {
                lastLsn = lsn;
                lastProgress = now;
                reach(StartupPhase.RECOVERING, lsn);
            }
        }
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

        public PgInstance build() {
            return new PgInstance(this);
        }
    }
}
