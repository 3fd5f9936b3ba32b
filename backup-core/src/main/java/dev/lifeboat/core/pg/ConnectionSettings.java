package dev.lifeboat.core.pg;

import java.util.Map;
import java.util.Properties;

/**
 * How to reach a PostgreSQL server over TCP. Unset fields fall back to the variables every
 * PostgreSQL tool reads (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD; the JDBC driver
 * also reads ~/.pgpass or PGPASSFILE), then to localhost:5432, user and database postgres.
 */
public record ConnectionSettings(String host, int port, String user, String database, String password) {

    public static final int DEFAULT_PORT = 5432;

    /** Fills what the caller left null (or port 0) from the environment, then defaults. */
    public static ConnectionSettings resolve(String host, Integer port, String user, String database, Map<String, String> env) {
        String h = firstNonBlank(host, env.get("PGHOST"), "localhost");
        if (h.startsWith("/")) {
            // A socket directory (Debian's default PGHOST); the JDBC driver speaks TCP only.
            h = "localhost";
        }
        int p = port != null && port > 0 ? port : parsePort(env.get("PGPORT"));
        String u = firstNonBlank(user, env.get("PGUSER"), "postgres");
        String d = firstNonBlank(database, env.get("PGDATABASE"), "postgres");
        return new ConnectionSettings(h, p, u, d, env.get("PGPASSWORD"));
    }

    public static ConnectionSettings local(int port) {
        return new ConnectionSettings("127.0.0.1", port, "postgres", "postgres", null);
    }

    public String jdbcUrl() {
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/" + database;
    }

    Properties jdbcProperties(String applicationName) {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        return props;
    }

    /** host:port for messages. */
    public String describe() {
        return host + ":" + port;
    }

    /** Without the password: records that hold these settings (requests) print them through here. */
    @Override
    public String toString() {
        return "ConnectionSettings[host=" + host + ", port=" + port + ", user=" + user + ", database=" + database
                + ", password=" + (password == null ? "none" : "(set)") + "]";
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

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
