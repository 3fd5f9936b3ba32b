package dev.lifeboat.core.pg;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * How to reach a PostgreSQL server, following libpq's conventions so that what works for psql
 * works for Lifeboat. Unset fields fall back to the variables every PostgreSQL tool reads
 * (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGPASSFILE, PGSSLMODE, PGSSLROOTCERT), then
 * to localhost:5432, user and database postgres.
 *
 * <p>A host starting with '/' is a socket directory: the connection goes through the unix
 * socket {@code <dir>/.s.PGSQL.<port>}, without TLS (as libpq). Without PGPASSWORD the password
 * comes from {@link PgPassFile the password file}, looked up when connecting. The password is
 * handed to the driver as a property only: never in the URL, never in {@link #toString()}.
 *
 * @param password    null: look in {@code passFile}
 * @param sslMode     null: the driver's default, prefer
 * @param sslRootCert null: the driver's default, ~/.postgresql/root.crt
 * @param passFile    null: no password file
 */
public record ConnectionSettings(String host, int port, String user, String database, String password,
                                 SslMode sslMode, Path sslRootCert, PgPassFile passFile) {

    public static final int DEFAULT_PORT = 5432;
    /** What pgpass matches for a walsender connection, as libpq's "replication" database. */
    static final String REPLICATION_DATABASE = "replication";
    /** pgjdbc's socket factory for unix sockets; its argument is the socket file's path. */
    private static final String UNIX_SOCKET_FACTORY = "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg";

    /** Host, port, user, database and password only: TLS as the driver's default, no password file. */
    public ConnectionSettings(String host, int port, String user, String database, String password) {
        this(host, port, user, database, password, null, null, null);
    }

    /** Fills what the caller left null (or port 0) from the environment, then defaults. */
    public static ConnectionSettings resolve(String host, Integer port, String user, String database, Map<String, String> env) {
        return resolve(host, port, user, database, null, null, env);
    }

    /**
     * As {@link #resolve(String, Integer, String, String, Map)}, with the sslmode ("verify-ca")
     * and root CA file given by a flag or the configuration, else PGSSLMODE and PGSSLROOTCERT.
     */
    public static ConnectionSettings resolve(String host, Integer port, String user, String database,
                                             String sslMode, String sslRootCert, Map<String, String> env) {
        String h = firstNonBlank(host, env.get("PGHOST"), "localhost");
        int p = port != null && port > 0 ? port : parsePort(env.get("PGPORT"));
        String u = firstNonBlank(user, env.get("PGUSER"), "postgres");
        String d = firstNonBlank(database, env.get("PGDATABASE"), "postgres");
        String password = env.get("PGPASSWORD");
        SslMode mode = sslMode != null && !sslMode.isBlank() ? SslMode.parse(sslMode, "--pg-sslmode")
                : blank(env.get("PGSSLMODE")) ? null : SslMode.parse(env.get("PGSSLMODE"), "PGSSLMODE");
        String rootCert = firstNonBlank(sslRootCert, env.get("PGSSLROOTCERT"));
        return new ConnectionSettings(h, p, u, d, password == null || password.isEmpty() ? null : password, mode,
                rootCert == null ? null : Path.of(rootCert), PgPassFile.fromEnvironment(env).orElse(null));
    }

    public static ConnectionSettings local(int port) {
        return new ConnectionSettings("127.0.0.1", port, "postgres", "postgres", null);
    }

    /**
     * Another server reached the same way (role, database, password source, TLS): the primary of
     * a standby being backed up. A null host keeps this host (or socket directory); a null or
     * zero port is libpq's default, 5432.
     */
    public ConnectionSettings atServer(String otherHost, Integer otherPort) {
        return new ConnectionSettings(blank(otherHost) ? host : otherHost, otherPort != null && otherPort > 0 ? otherPort : DEFAULT_PORT,
                user, database, password, sslMode, sslRootCert, passFile);
    }

    /** Whether {@link #host()} is a socket directory rather than a host name. */
    public boolean viaUnixSocket() {
        return host.startsWith("/");
    }

    /** The unix socket file, {@code <dir>/.s.PGSQL.<port>}. */
    public Path socketFile() {
        return Path.of(host, ".s.PGSQL." + port);
    }

    /** Holds nothing secret: the password goes into {@link #jdbcProperties} only. */
    public String jdbcUrl() {
        if (viaUnixSocket()) {
            // The driver wants a host; the socket factory below ignores it.
            return "jdbc:postgresql://localhost:" + port + "/" + database;
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + database;
    }

    Properties jdbcProperties(String applicationName) {
        return jdbcProperties(applicationName, database);
    }

    /**
     * The driver's properties; {@code passwordDatabase} is the database name the password file
     * is matched against ("replication" for a walsender). Without a password from anywhere, an
     * empty one: otherwise the driver would read the password file itself, unchecked.
     */
    Properties jdbcProperties(String applicationName, String passwordDatabase) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", effectivePassword(passwordDatabase, System.err::println).orElse(""));
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        if (viaUnixSocket()) {
            UnixSocketSupport.require(this);
            props.setProperty("socketFactory", UNIX_SOCKET_FACTORY);
            props.setProperty("socketFactoryArg", socketFile().toString());
            // libpq never uses TLS on a unix socket, whatever sslmode says.
            props.setProperty("sslmode", SslMode.DISABLE.libpqName());
        } else {
            props.setProperty("tcpKeepAlive", "true");
            if (sslMode != null) {
                props.setProperty("sslmode", sslMode.libpqName());
            }
            if (sslRootCert != null) {
                props.setProperty("sslrootcert", sslRootCert.toString());
            }
        }
        return props;
    }

    /** PGPASSWORD (or a password given in code), else the password file's first matching line. */
    Optional<String> effectivePassword(String passwordDatabase, Consumer<String> warnings) {
        if (password != null) {
            return Optional.of(password);
        }
        if (passFile == null) {
            return Optional.empty();
        }
        return passFile.password(host, port, passwordDatabase, user, warnings);
    }

    /** host:port, or the socket file, for messages. */
    public String describe() {
        return viaUnixSocket() ? socketFile().toString() : host + ":" + port;
    }

    @Override
    public String toString() {
        return "ConnectionSettings[" + describe() + ", user=" + user + ", database=" + database
                + (sslMode == null ? "" : ", sslmode=" + sslMode) + (sslRootCert == null ? "" : ", sslrootcert=" + sslRootCert)
                + (password == null ? "" : ", password=(set)") + "]";
    }

    private static int parsePort(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return DEFAULT_PORT;
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
