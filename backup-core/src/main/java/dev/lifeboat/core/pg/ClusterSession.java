package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * One JDBC session with the cluster being backed up. A non-exclusive base backup lives and
 * dies with its session, so start and stop go through the same instance.
 */
public final class ClusterSession implements AutoCloseable {

    private final Connection connection;
    private final ConnectionSettings settings;
    private final int serverVersionNum;

    private ClusterSession(Connection connection, ConnectionSettings settings) throws SQLException {
        this.connection = connection;
        this.settings = settings;
        this.serverVersionNum = Integer.parseInt(queryString("SHOW server_version_num"));
    }

    public static ClusterSession connect(ConnectionSettings settings) {
        try {
            Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcProperties("lifeboat"));
            connection.setAutoCommit(true);
            return new ClusterSession(connection, settings);
        } catch (SQLException e) {
            throw connectionFailure(settings, e);
        }
    }

    static LifeboatException connectionFailure(ConnectionSettings settings, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        String problem = firstLine(message);
        String hint;
        if (message.contains("SSL error") || message.contains("hostnameverifier") || message.contains("certificate")) {
            problem = certificateProblem(settings, message);
            hint = "check --pg-sslrootcert (PGSSLROOTCERT) and --pg-sslmode (PGSSLMODE)";
        } else if (message.contains("password is an empty string") || message.contains("no password was provided")) {
            // Lifeboat hands the driver an empty password when it found none (see ConnectionSettings).
            problem = "the server asks for a password and none was found";
            hint = "set PGPASSWORD, or add a line host:port:database:user:password to ~/.pgpass (or the file PGPASSFILE names), mode 0600";
        } else if (message.contains("does not support SSL")) {
            hint = "turn ssl on in the server, or choose --pg-sslmode prefer (PGSSLMODE)";
        } else if (settings.viaUnixSocket() && socketMissing(e)) {
            problem = "no server listening on the socket";
            hint = "is PostgreSQL running with this directory in unix_socket_directories and this port? set --pg-host/--pg-port (or PGHOST/PGPORT)";
        } else if (state.equals("08001") || state.equals("08004") && message.contains("refused")) {
            hint = "is PostgreSQL running and listening there? set --pg-host/--pg-port (or PGHOST/PGPORT)";
        } else if (state.startsWith("28")) {
            hint = "check --pg-user (PGUSER) and the password (PGPASSWORD, or a line in ~/.pgpass or PGPASSFILE, mode 0600) and pg_hba.conf";
        } else if (state.equals("3D000")) {
            hint = "name an existing database with PGDATABASE";
        } else {
            hint = "check --pg-host, --pg-port and --pg-user";
        }
        return new LifeboatException(ErrorCode.POSTGRES,
                "cannot connect to PostgreSQL at " + settings.describe() + ": " + problem, hint, e);
    }

    /** No socket file, or nobody accepting on it: what the driver reports as "The connection attempt failed." */
    private static boolean socketMissing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("No such file") || m.contains("Connection refused")) {
                return true;
            }
        }
        return false;
    }

    /** The driver's TLS failures name Java's certificate classes; say what they mean instead. */
    private static String certificateProblem(ConnectionSettings settings, String message) {
        String mode = settings.sslMode() == null ? "" : " (sslmode " + settings.sslMode() + ")";
        String ca = settings.sslRootCert() == null ? "the root CA file ~/.postgresql/root.crt" : "the CA in " + settings.sslRootCert();
        if (message.contains("hostnameverifier") || message.contains("hostname")) {
            return "the server's certificate does not name host " + settings.host() + mode;
        }
        if (message.contains("Could not open SSL root certificate file") || message.contains("Could not read SSL root certificate")) {
            return "cannot read " + ca + mode;
        }
        if (message.contains("PKIX") || message.contains("certification path") || message.contains("certificate")) {
            return "the server's certificate is not signed by " + ca + mode;
        }
        return "TLS handshake failed" + mode;
    }

    public ConnectionSettings settings() {
        return settings;
    }

    /** e.g. 150018 */
    public int serverVersionNum() {
        return serverVersionNum;
    }

    public int majorVersion() {
        return serverVersionNum / 10000;
    }

    public String serverVersion() {
        return queryString("SHOW server_version");
    }

    public String systemIdentifier() {
        return queryString("SELECT system_identifier::text FROM pg_control_system()");
    }

    public int walSegmentSize() {
        return Integer.parseInt(queryString("SELECT bytes_per_wal_segment::text FROM pg_control_init()"));
    }

    public String dataDirectory() {
        return queryString("SHOW data_directory");
    }

    /** Refuses a --pgdata that is not the data directory of this server. */
    public void requireDataDirectory(Path pgdata) {
        Path expected = realPath(pgdata, "--pgdata");
        Path actual = Path.of(dataDirectory());
        Path actualReal = Files.exists(actual) ? realPath(actual, "data_directory") : actual;
        if (!expected.equals(actualReal)) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "--pgdata " + pgdata + " is not the data directory of the server at " + settings.describe()
                            + " (it runs on " + actual + ")",
                    "pass the server's data_directory as --pgdata, or the port of the server that runs on " + pgdata);
        }
    }

    private static Path realPath(Path path, String what) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES, what + " " + path + " does not exist or cannot be read",
                    "pass the server's data directory", e);
        }
    }

    public String setting(String name) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT current_setting(?, true)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw failure("reading setting " + name, e);
        }
    }

    public boolean isInRecovery() {
        return Boolean.parseBoolean(queryString("SELECT pg_is_in_recovery()::text"));
    }

    /** The next transaction id to be assigned, without assigning one. */
    public long nextXid() {
        return Long.parseLong(queryString("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"));
    }

    /** Starts a non-exclusive backup with an immediate checkpoint; returns the start LSN. */
    public String startBackup(String label) {
        String sql = serverVersionNum >= 150000
                ? "SELECT pg_backup_start(?, true)::text"
                : "SELECT pg_start_backup(?, true, false)::text";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, label);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw failure("starting the backup", e);
        }
    }

    /** What pg_backup_stop returns: where the backup ends and the files to restore with it. */
    public record BackupStop(String lsn, String walFileName, String backupLabel, String tablespaceMap) {
    }

    /**
     * Ends the backup without PostgreSQL's own wait for archiving: Lifeboat checks its
     * repository for the WAL instead, with a timeout and a useful message.
     */
    public BackupStop stopBackup() {
        String sql = serverVersionNum >= 150000
                ? "SELECT lsn::text, labelfile, spcmapfile, pg_walfile_name(lsn) FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile, pg_walfile_name(lsn) FROM pg_stop_backup(false, false)";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            String map = rs.getString(3);
            return new BackupStop(rs.getString(1), rs.getString(4), rs.getString(2), map == null || map.isEmpty() ? null : map);
        } catch (SQLException e) {
            throw failure("stopping the backup", e);
        }
    }

    /**
     * Ends a backup taken on a standby. pg_walfile_name refuses to run during recovery, so the
     * stop segment is named here: on the timeline PostgreSQL used for the stop point (the
     * control file's minimum recovery timeline, as pg_backup_stop itself does on a standby),
     * else the backup's start timeline.
     */
    public BackupStop stopBackupOnStandby() {
        String sql = serverVersionNum >= 150000
                ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
                : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
        String lsn;
        String label;
        String map;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            lsn = rs.getString(1);
            label = rs.getString(2);
            map = rs.getString(3);
        } catch (SQLException e) {
            throw failure("stopping the backup", e);
        }
        long timeline = Long.parseLong(queryString("SELECT min_recovery_end_timeline::text FROM pg_control_recovery()"));
        if (timeline <= 0) {
            timeline = BackupLabel.startTimeline(label);
        }
        String walFile = WalSegmentName.containingEndOf(timeline, Lsn.parse(lsn), new WalSegmentSize(walSegmentSize())).fileName();
        return new BackupStop(lsn, walFile, label, map == null || map.isEmpty() ? null : map);
    }

    /** The names of the cluster's own tablespaces (not pg_default or pg_global), by oid. */
    public java.util.Map<Long, String> tablespaceNames() {
        java.util.Map<Long, String> names = new java.util.TreeMap<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT oid::bigint, spcname FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global')")) {
            while (rs.next()) {
                names.put(rs.getLong(1), rs.getString(2));
            }
            return names;
        } catch (SQLException e) {
            throw failure("reading the tablespaces", e);
        }
    }

    /** Forces a switch to a new WAL segment so that the current one gets archived. */
    public void switchWal() {
        queryString("SELECT pg_switch_wal()::text");
    }

    /** The archiver's view (pg_stat_archiver), to explain WAL that does not arrive. */
    /**
     * pg_stat_archiver. PostgreSQL keeps the last failure until the statistics are reset, so a
     * failure is news only if it is newer than a given moment and than the last success.
     */
    public record ArchiverStatus(long archivedCount, String lastArchivedWal, Instant lastArchivedTime, long failedCount,
                                 String lastFailedWal, Instant lastFailedTime) {

        /** Whether the archiver failed after {@code since} and has not archived anything since that failure. */
        public boolean failingSince(Instant since) {
            return lastFailedWal != null && lastFailedTime != null && lastFailedTime.isAfter(since)
                    && (lastArchivedTime == null || lastFailedTime.isAfter(lastArchivedTime));
        }
    }

    /**
     * When the archiver's newest attempt failed (its last failure is more recent than its last
     * success, or it never succeeded), that failure's time; null when it is not failing. A
     * failure followed by a success is history: pg_stat_archiver keeps it for ever.
     */
    public String archiverFailingSince() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT last_failed_time::text FROM pg_stat_archiver WHERE last_failed_time IS NOT NULL"
                        + " AND (last_archived_time IS NULL OR last_failed_time > last_archived_time)")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw failure("reading pg_stat_archiver", e);
        }
    }

    public ArchiverStatus archiverStatus() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT archived_count, last_archived_wal, last_archived_time, failed_count, last_failed_wal, last_failed_time"
                        + " FROM pg_stat_archiver")) {
            rs.next();
            return new ArchiverStatus(rs.getLong(1), rs.getString(2), instant(rs.getObject(3, java.time.OffsetDateTime.class)), rs.getLong(4),
                    rs.getString(5), instant(rs.getObject(6, java.time.OffsetDateTime.class)));
        } catch (SQLException e) {
            throw failure("reading pg_stat_archiver", e);
        }
    }

    private static Instant instant(java.time.OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    public Optional<String> queryOptional(String sql) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw failure("running " + sql, e);
        }
    }

    public String queryString(String sql) {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new LifeboatException(ErrorCode.POSTGRES, "no result from " + sql);
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw failure("running " + sql, e);
        }
    }

    public Connection connection() {
        return connection;
    }

    private LifeboatException failure(String what, SQLException e) {
        String hint = "42501".equals(e.getSQLState())
                ? "connect as a superuser or a role with pg_read_all_settings and EXECUTE on the backup functions (--pg-user)"
                : null;
        return new LifeboatException(ErrorCode.POSTGRES,
                "PostgreSQL at " + settings.describe() + " failed " + what + ": " + firstLine(e.getMessage()), hint, e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing also aborts a backup still in progress, which is what we want
        }
    }
}
