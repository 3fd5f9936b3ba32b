package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Follows one start (or promotion) of a {@link PgInstance} until the server is where the
 * caller needs it: accepting connections, open for writes, or paused at a recovery target.
 *
 * <p>It polls the postmaster.pid file and the server, and reads the server log written since
 * the start, so that a postmaster that dies on the way fails the wait at once with its FATAL
 * lines instead of a timeout.
 */
final class StartupWatcher {

    private static final Duration POLL = Duration.ofMillis(100);
    /** The first look comes sooner: a throwaway cluster is ready in a fraction of a second. */
    private static final Duration FIRST_POLL = Duration.ofMillis(10);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final Pattern REDO_DONE = Pattern.compile("redo done at ([0-9A-F]+/[0-9A-F]+)");

    private final PgInstance instance;
    private final Path logFile;
    private final long logOffset;
    private final Instant startedAt;
    private final PostmasterPidFile stalePidFile;
    /** The postmaster's pid once known (-1 before), e.g. from the pid file, or the server being promoted. */
    private final long knownPid;
    /** A promotion was asked for: a pause (at a target) ends by itself once the server notices. */
    private final boolean promoting;

    /**
     * @param logFile the server log, or null when unknown
     * @param logOffset where this start's lines begin in it
     * @param stalePidFile a pid file left by an earlier server, not to be taken for this one's; null when none
     * @param knownPid the postmaster's pid when already known, else -1
     */
    StartupWatcher(PgInstance instance, Path logFile, long logOffset, Instant startedAt, PostmasterPidFile stalePidFile,
            long knownPid, boolean promoting) {
        this.instance = instance;
        this.logFile = logFile;
        this.logOffset = logOffset;
        this.startedAt = startedAt;
        this.stalePidFile = stalePidFile;
        this.knownPid = knownPid;
        this.promoting = promoting;
    }

    /**
     * Polls until the server takes writes ({@code writable}) or just connections, telling
     * {@code listener} each phase as it is reached.
     */
    List<StartupProgress> await(Duration timeout, boolean writable, StartupListener listener) {
        Watch watch = new Watch(listener);
        watch.pid = knownPid;
        Instant deadline = Instant.now().plus(timeout);
        Connection connection = null;
        long pause = FIRST_POLL.toMillis();
        try {
            while (true) {
                Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(instance.dataDirectory())
                        .filter(file -> stalePidFile == null || !file.sameServer(stalePidFile));
                if (watch.pid < 0 && pidFile.isPresent()) {
                    watch.pid = pidFile.get().pid();
                    watch.reach(StartupPhase.PROCESS_STARTED, null);
                }
                failIfDead(watch.pid);
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
                    failIfDead(watch.pid);
                    throw new LifeboatException(ErrorCode.TIMEOUT,
                            "PostgreSQL on port " + instance.port() + " was not " + (writable ? "open for writes" : "consistent") + " after "
                                    + timeout.toSeconds() + " s (" + watch.lastStep() + ")",
                            logFile == null ? "it may still be recovering" : "it may still be recovering; see the server log " + logFile);
                }
                Thread.sleep(pause);
                pause = Math.min(POLL.toMillis(), pause * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while waiting for PostgreSQL to start");
        } finally {
            closeQuietly(connection);
        }
    }

    /**
     * With recovery_target_action = pause, the server replays to the target and waits there,
     * read-only, for someone to look and then promote: waits until it does (or was promoted
     * meanwhile).
     */
    void awaitPausedAtTarget(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection c = instance.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END")) {
                rs.next();
                if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                    return; // paused at the target (or someone promoted it meanwhile)
                }
                last = "still replaying";
            } catch (SQLException e) {
                last = e.getMessage();
            }
            if (!instance.isRunning()) {
                throw new LifeboatException(ErrorCode.RECOVERY, "PostgreSQL on " + instance.dataDirectory()
                        + " stopped before it reached the target", "see the server log " + logFile);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new LifeboatException(ErrorCode.TIMEOUT, "recovery on " + instance.dataDirectory() + " did not reach the target within "
                + timeout.toSeconds() + " s (" + last + ")", "raise --start-timeout, or see the server log " + logFile);
    }

    /** Where this start's recovery replayed its last WAL record, as the server logged it. */
    Optional<String> redoDoneAt() {
        if (logFile == null) {
            return Optional.empty();
        }
        return new ServerLog(logFile).lastMatchSince(logOffset, REDO_DONE);
    }

    /** Fails when the postmaster has died, or died before writing its pid file. */
    private void failIfDead(long pid) {
        Path dataDirectory = instance.dataDirectory();
        if (logFile == null) {
            if (pid >= 0 && !PostmasterPidFile.isAlive(pid)) {
                throw new LifeboatException(ErrorCode.RECOVERY, "PostgreSQL on " + dataDirectory + " stopped",
                        "see its server log");
            }
            return;
        }
        ServerLog log = new ServerLog(logFile);
        boolean dead;
        if (pid >= 0) {
            dead = !PostmasterPidFile.isAlive(pid);
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
        Properties properties = instance.connectionProperties();
        properties.setProperty("socketTimeout", "60");
        try {
            return DriverManager.getConnection(instance.jdbcUrl(), properties);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("28")) {
                throw new LifeboatException(ErrorCode.POSTGRES,
                        "PostgreSQL on port " + instance.port() + " runs but refuses the login of " + instance.user() + ": " + e.getMessage(),
                        "allow " + instance.user() + " from " + instance.connectHost() + " in pg_hba.conf, or give its password");
            }
            return null;
        }
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

    /** The phases reached so far in one wait, and what the listener has been told. */
    private final class Watch {
        private final StartupListener listener;
        private final List<StartupProgress> reached = new ArrayList<>();
        private long pid = -1;
        private String lastLsn;
        private Instant lastProgress = Instant.EPOCH;

        Watch(StartupListener listener) {
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
                        "recovery on port " + instance.port() + " is paused at " + lsn
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
}
