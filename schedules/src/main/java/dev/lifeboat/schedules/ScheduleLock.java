package dev.lifeboat.schedules;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A lock across every daemon of a clustered schedule (a PostgreSQL advisory lock in the job-store
 * database), held while one daemon makes the stored schedule match its configuration file.
 * Without it, two daemons starting together both find a job unscheduled and both store its
 * trigger: the second store resets a trigger the first daemon may already have fired (that due
 * time then runs again), or releases it while it runs (the job then runs twice at once).
 * Closing the session releases the lock, also when the process dies.
 */
final class ScheduleLock implements AutoCloseable {

    private static final long KEY = 0x4c69666553L; // not QuartzTables' key: that one is taken per transaction
    private static final String WAIT = "120s";

    private final Connection session;

    private ScheduleLock(Connection session) {
        this.session = session;
    }

    static ScheduleLock acquire(PgConnectionProvider connections, JobStoreSettings settings) {
        Connection session = null;
        try {
            session = connections.getConnection();
            try (Statement st = session.createStatement()) {
                st.execute("SET lock_timeout = '" + WAIT + "'");
                st.execute("SELECT pg_advisory_lock(" + KEY + ")");
            }
            return new ScheduleLock(session);
        } catch (SQLException e) {
            closeQuietly(session);
            throw new LifeboatException(ErrorCode.POSTGRES, "cannot lock the schedule in the job store at " + settings.describe()
                    + " to synchronise it: " + e.getMessage().lines().findFirst().orElse(""),
                    "another daemon holding it for over " + WAIT + " is stuck (see pg_locks, locktype advisory); "
                            + "otherwise check schedule.job-store", e);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the server ends the session, and with it the lock
        }
    }
}
