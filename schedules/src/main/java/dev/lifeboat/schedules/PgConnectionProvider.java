package dev.lifeboat.schedules;

import org.quartz.utils.ConnectionProvider;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Connections to the job-store database for Quartz, straight from the PostgreSQL driver. Quartz
 * needs a connection per scheduling step (seconds apart at most a few times), so a pool
 * would add a dependency for nothing; without a password the driver reads ~/.pgpass.
 */
final class PgConnectionProvider implements ConnectionProvider {

    private final JobStoreSettings settings;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();

    PgConnectionProvider(JobStoreSettings settings) {
        this.settings = settings;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        if (settings.password() != null) {
            props.setProperty("password", settings.password());
        }
        props.setProperty("ApplicationName", "lifeboat schedule");
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        Connection connection = driver.connect(settings.jdbcUrl(), props);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + settings.describe());
        }
        return connection;
    }

    @Override
    public void shutdown() {
    }

    @Override
    public void initialize() {
    }
}
