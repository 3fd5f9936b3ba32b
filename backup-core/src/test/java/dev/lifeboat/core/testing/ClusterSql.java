package dev.lifeboat.core.testing;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.LocalCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQL in one call, for tests that set up and look at a {@link LocalCluster}: each call runs in
 * a new session (autocommit) and fails with PostgreSQL's message.
 *
 * <pre>{@code
 * ClusterSql.execute(cluster, "CREATE TABLE t (id int)");
 * long rows = ClusterSql.queryForLong(cluster, "SELECT count(*) FROM t");
 * }</pre>
 */
public final class ClusterSql {

    private ClusterSql() {
    }

    /**
     * Runs one or more SQL statements in a new session (autocommit).
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) with PostgreSQL's message
     */
    public static void execute(LocalCluster cluster, String sql) {
        try (Connection connection = cluster.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw sqlFailed(cluster, sql, e);
        }
    }

    /** The first column of the first row that {@code sql} returns (null for SQL NULL). */
    public static String queryForString(LocalCluster cluster, String sql) {
        try (Connection connection = cluster.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            if (!rows.next()) {
                throw new LifeboatException(ErrorCode.POSTGRES, "no row from: " + sql);
            }
            return rows.getString(1);
        } catch (SQLException e) {
            throw sqlFailed(cluster, sql, e);
        }
    }

    /** The first column of the first row that {@code sql} returns, as a number. */
    public static long queryForLong(LocalCluster cluster, String sql) {
        String value = queryForString(cluster, sql);
        if (value == null) {
            throw new LifeboatException(ErrorCode.POSTGRES, "NULL instead of a number from: " + sql);
        }
        return Long.parseLong(value.strip());
    }

    private static LifeboatException sqlFailed(LocalCluster cluster, String sql, SQLException e) {
        return new LifeboatException(ErrorCode.POSTGRES,
                "SQL failed on port " + cluster.port() + ": " + e.getMessage() + " (" + sql + ")",
                "see the server log " + cluster.logFile(), e);
    }
}
