package dev.lifeboat.core.drill;

import dev.lifeboat.core.pg.PgAmcheck;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.DrillRecord.Check;
import dev.lifeboat.core.repo.DrillRecord.CheckVerdict;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks a drill runs against its started scratch instance: the built-in ones (system
 * identifier, pg_amcheck, row counts) and the user's statements. Each returns a verdict and
 * never throws: a check that cannot run fails (or is skipped, when the tool is missing).
 */
final class InstanceChecks {

    /** How many rows of a user check's result are kept for the report. */
    private static final int ROWS_SHOWN = 3;

    private final PgInstance instance;
    private final PgBinaries binaries;
    private final Duration timeout;

    InstanceChecks(PgInstance instance, PgBinaries binaries, Duration timeout) {
        this.instance = instance;
        this.binaries = binaries;
        this.timeout = timeout;
    }

    /** The databases that take connections, templates aside. */
    List<String> databases() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    Check systemIdentifier(String expected) {
        long started = System.nanoTime();
        try (Connection c = connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            rs.next();
            String found = rs.getString(1);
            return found.equals(expected)
                    ? builtIn("system identifier", CheckVerdict.PASSED, found + ", as recorded in the backup", started)
                    : builtIn("system identifier", CheckVerdict.FAILED, "the restored instance has system identifier " + found
                    + " where the backup recorded " + expected, started);
        } catch (SQLException e) {
            return builtIn("system identifier", CheckVerdict.FAILED, "cannot read it: " + e.getMessage(), started);
        }
    }

    /** pg_amcheck of one database; skipped when these binaries have no pg_amcheck. */
    Check amcheck(String database) {
        long started = System.nanoTime();
        String name = "amcheck " + database;
        Optional<PgAmcheck> amcheck = PgAmcheck.of(binaries);
        CheckVerdict verdict;
        String detail;
        if (amcheck.isEmpty()) {
            verdict = CheckVerdict.SKIPPED;
            detail = "no pg_amcheck in " + binaries.binDirectory() + " (e.g. embedded server binaries): heap and B-tree checks did not run";
        } else {
            try {
                PgAmcheck.Outcome outcome = amcheck.get().check(instance, database, timeout);
                verdict = outcome.passed() ? CheckVerdict.PASSED : CheckVerdict.FAILED;
                detail = outcome.passed() ? "heap and B-tree checks found no corruption" : "pg_amcheck reported: " + outcome.output();
            } catch (RuntimeException e) {
                verdict = CheckVerdict.FAILED;
                detail = "pg_amcheck did not run to its end: " + e.getMessage();
            }
        }
        return new Check(name, Check.BUILT_IN, verdict, detail, null, database, Duration.ofNanos(System.nanoTime() - started));
    }

    /** The rows counted per table, and the check that says whether every table could be read. */
    record RowCounts(Check check, List<DrillRecord.TableRows> tables) {
    }

    RowCounts rowCounts(List<String> databases) {
        long started = System.nanoTime();
        List<DrillRecord.TableRows> tables = new ArrayList<>();
        long rows = 0;
        for (String database : databases) {
            try (Connection c = connect(database); Statement st = c.createStatement()) {
                List<String> names = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'"
                        + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'"
                        + " AND n.nspname NOT LIKE 'pg\\_temp%' ORDER BY 1")) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                for (String table : names) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + table)) {
                        rs.next();
                        tables.add(new DrillRecord.TableRows(database, table, rs.getLong(1)));
                        rows += rs.getLong(1);
                    } catch (SQLException e) {
                        return new RowCounts(builtIn("row counts", CheckVerdict.FAILED,
                                "cannot count the rows of " + table + " in database " + database + ": " + e.getMessage(), started), tables);
                    }
                }
            } catch (SQLException e) {
                return new RowCounts(builtIn("row counts", CheckVerdict.FAILED,
                        "cannot read database " + database + ": " + e.getMessage(), started), tables);
            }
        }
        return new RowCounts(builtIn("row counts", CheckVerdict.PASSED, String.format("%,d rows in %d tables of %d databases",
                rows, tables.size(), databases.size()), started), tables);
    }

    /** One user statement, in a read-only transaction. */
    Check user(UserCheck check, String defaultDatabase) {
        long started = System.nanoTime();
        String database = check.database() != null ? check.database() : defaultDatabase;
        try (Connection c = connect(database)) {
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                if (!st.execute(check.statement())) {
                    return user(check, database, CheckVerdict.FAILED, "the statement returned no result set: checks must be queries", started);
                }
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData meta = rs.getMetaData();
                    List<List<String>> first = new ArrayList<>();
                    long count = 0;
                    while (rs.next()) {
                        if (count < ROWS_SHOWN) {
                            List<String> row = new ArrayList<>();
                            for (int i = 1; i <= meta.getColumnCount(); i++) {
                                row.add(rs.getString(i));
                            }
                            first.add(row);
                        }
                        count++;
                    }
                    Optional<String> failure = check.expectation().judge(count, first);
                    return failure.isPresent()
                            ? user(check, database, CheckVerdict.FAILED, failure.get(), started)
                            : user(check, database, CheckVerdict.PASSED, describe(count, first), started);
                }
            }
        } catch (SQLException e) {
            return user(check, database, CheckVerdict.FAILED, "the statement failed: " + e.getMessage(), started);
        }
    }

    private static String describe(long count, List<List<String>> first) {
        if (count == 0) {
            return "no rows";
        }
        String value = first.get(0).isEmpty() ? "" : String.valueOf(first.get(0).get(0));
        return count == 1 ? "returned " + value : "returned " + count + " rows";
    }

    private Connection connect(String database) throws SQLException {
        Connection c = instance.connect(database);
        try (Statement st = c.createStatement()) {
            st.execute("SET statement_timeout = " + timeout.toMillis());
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    static Check builtIn(String name, CheckVerdict verdict, String detail, long startedNanos) {
        return new Check(name, Check.BUILT_IN, verdict, detail, null, null, Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private static Check user(UserCheck check, String database, CheckVerdict verdict, String detail, long startedNanos) {
        return new Check(check.name(), Check.USER, verdict, detail, check.statement(), database,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }
}
