package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A walsender connection (replication=true), as pg_receivewal opens one: it speaks only the
 * replication commands, in the simple query protocol.
 */
public final class PhysicalReplication implements AutoCloseable {

    /** IDENTIFY_SYSTEM's answer. */
    public record SystemIdentity(String systemIdentifier, int timeline, String walPosition) {
    }

    private final Connection connection;
    private final ConnectionSettings settings;

    private PhysicalReplication(Connection connection, ConnectionSettings settings) {
        this.connection = connection;
        this.settings = settings;
    }

    public static PhysicalReplication open(ConnectionSettings settings) {
        Properties properties = settings.jdbcProperties("lifeboat-agent", ConnectionSettings.REPLICATION_DATABASE);
        PGProperty.REPLICATION.set(properties, "true");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "9.4");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        try {
            return new PhysicalReplication(DriverManager.getConnection(settings.jdbcUrl(), properties), settings);
        } catch (SQLException e) {
            LifeboatException failure = ClusterSession.connectionFailure(settings, e);
            String hint = e.getMessage() != null && e.getMessage().contains("replication")
                    ? "allow replication connections for this role in pg_hba.conf (a 'replication' line) and give it REPLICATION"
                    : failure.hint();
            throw new LifeboatException(ErrorCode.POSTGRES, failure.getMessage(), hint, e);
        }
    }

    public SystemIdentity identifySystem() {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new SystemIdentity(rs.getString(1), rs.getInt(2), rs.getString(3));
        } catch (SQLException e) {
            throw new LifeboatException(ErrorCode.POSTGRES, "PostgreSQL at " + settings.describe() + " refused IDENTIFY_SYSTEM: "
                    + e.getMessage(), null, e);
        }
    }

    /** Streams WAL from {@code startLsn} (a segment start) through the slot. */
    public PGReplicationStream start(String slot, long startLsn) throws SQLException {
        return connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                .withSlotName(slot)
                .withStartPosition(LogSequenceNumber.valueOf(startLsn))
                .withStatusInterval(10, TimeUnit.SECONDS)
                .start();
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the walsender ends with the connection
        }
    }
}
