package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.pg.ConnectionSettings;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * How to reach the running cluster; PGHOST/PGPORT/PGUSER/PGDATABASE fill what is not given, a
 * host starting with '/' is a socket directory, and the password comes from PGPASSWORD or the
 * password file (~/.pgpass, PGPASSFILE), never from a flag.
 */
public final class PostgresOptions {

    @Option(names = "--pg-host", paramLabel = "HOST", description = "Server host, or a unix socket directory such as /var/run/postgresql (default: $PGHOST, else localhost).")
    String host;

    @Option(names = "--pg-port", converter = NumberValues.Port.class, paramLabel = "PORT", description = "Server port (default: $PGPORT, else 5432).")
    Integer port;

    @Option(names = "--pg-user", paramLabel = "USER", description = "Role to connect as, a superuser (default: $PGUSER, else postgres).")
    String user;

    @Option(names = "--pg-database", paramLabel = "DB", description = "Database to connect to (default: $PGDATABASE, else postgres).")
    String database;

    ConnectionSettings settings(Map<String, String> env) {
        return ConnectionSettings.resolve(host, port, user, database, env);
    }

    /** With the sslmode and root CA of {@code tls} (flags, configuration, else PGSSLMODE and PGSSLROOTCERT). */
    ConnectionSettings settings(Map<String, String> env, PostgresTlsOptions tls) {
        return ConnectionSettings.resolve(host, port, user, database, tls.sslMode, tls.sslRootCert, env);
    }
}
