package dev.lifeboat.schedules;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates Quartz's tables in the job-store database when they are missing, from the DDL that
 * ships in Quartz's own jar (its DROP statements are skipped: existing tables are never
 * touched). Daemons starting together serialise on an advisory lock, in one transaction.
 */
final class QuartzTables {

    private static final String DDL = "/org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    private static final long LOCK_KEY = 0x4c69666562L; // any constant shared by every Lifeboat

    private QuartzTables() {
    }

    /** Returns true when the tables were created now. */
    static boolean ensure(PgConnectionProvider connections, JobStoreSettings settings) {
        try (Connection c = connections.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                String locks = settings.tablePrefix().toLowerCase(Locale.ROOT) + "locks";
                try (ResultSet rs = st.executeQuery("SELECT to_regclass('" + locks + "') IS NOT NULL")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        c.rollback();
                        return false;
                    }
                }
                for (String statement : createStatements(settings.tablePrefix())) {
                    st.execute(statement);
                }
            }
            c.commit();
            return true;
        } catch (SQLException e) {
            throw new LifeboatException(ErrorCode.POSTGRES, "cannot prepare the schedule's job store at " + settings.describe() + ": "
                    + e.getMessage().lines().findFirst().orElse(""),
                    "check schedule.job-store, the role (job-store-user, PGUSER) and its password (PGPASSWORD or ~/.pgpass), "
                            + "and that the role may create tables there", e);
        }
    }

    static List<String> createStatements(String tablePrefix) {
        String script;
        try (InputStream in = QuartzTables.class.getResourceAsStream(DDL)) {
            if (in == null) {
                throw new IllegalStateException("Quartz's " + DDL + " is missing from the class path");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Quartz's " + DDL, e);
        }
        StringBuilder withoutComments = new StringBuilder();
        script.lines().filter(l -> !l.strip().startsWith("--")).forEach(l -> withoutComments.append(l).append('\n'));
        List<String> statements = new ArrayList<>();
        for (String s : withoutComments.toString().split(";")) {
            String statement = s.strip();
            if (statement.toUpperCase(Locale.ROOT).startsWith("CREATE ")) {
                statements.add(statement.replace("QRTZ_", tablePrefix.toUpperCase(Locale.ROOT)));
            }
        }
        return statements;
    }
}
