package dev.lifeboat.core.drill;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A drill's checks file: SQL statements, each ending with a semicolon at the end of a line,
 * each optionally preceded by comment lines that say what it must return:
 *
 * <pre>
 * -- name: orders arrive
 * -- expect: count &gt;= 1
 * SELECT count(*) FROM orders WHERE created_at &gt; now() - interval '1 hour';
 *
 * -- expect: no rows
 * -- database: shop
 * SELECT id FROM orders WHERE total &lt; 0;
 *
 * SELECT count(*) &gt; 0 FROM customers;      -- expect: true is the default
 * </pre>
 *
 * Other comment lines are ignored. See {@link Expectation} for what {@code expect} accepts.
 */
public final class CheckFile {

    private static final int MAX_NAME = 100;

    private CheckFile() {
    }

    /** Reads and parses a checks file; a file that cannot be read or parsed is a usage error. */
    public static List<UserCheck> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read checks file " + file + ": " + e.getMessage(),
                    "pass --checks FILE with SQL statements, each ending with ';' at the end of a line");
        }
        return parse(text, file.toString());
    }

    public static List<UserCheck> parse(String text, String source) {
        List<UserCheck> checks = new ArrayList<>();
        String name = null;
        String database = null;
        Expectation expectation = null;
        StringBuilder statement = new StringBuilder();
        int startLine = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.strip();
            int number = i + 1;
            if (statement.length() == 0) {
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.startsWith("--")) {
                    String comment = trimmed.substring(2).strip();
                    String key = directive(comment);
                    String value = key == null ? null : comment.substring(comment.indexOf(':') + 1).strip();
                    String where = source + ":" + number;
                    if ("name".equals(key)) {
                        name = value;
                    } else if ("expect".equals(key)) {
                        expectation = Expectation.parse(value, where);
                    } else if ("database".equals(key)) {
                        if (value.isEmpty()) {
                            throw new LifeboatException(ErrorCode.USAGE, where + ": '-- database:' names no database",
                                    "write -- database: NAME, or leave the line out for the default database");
                        }
                        database = value;
                    }
                    continue;
                }
                startLine = number;
            }
            statement.append(line).append('\n');
            if (trimmed.endsWith(";") && !trimmed.startsWith("--")) {
                checks.add(check(statement, name, expectation, database, startLine));
                statement.setLength(0);
                name = null;
                database = null;
                expectation = null;
            }
        }
        if (statement.length() > 0 && !statement.toString().isBlank()) {
            checks.add(check(statement, name, expectation, database, startLine));
        } else if (name != null || expectation != null || database != null) {
            throw new LifeboatException(ErrorCode.USAGE, source + ": the last '-- name/expect/database' comment has no statement after it",
                    "put the statement it is about below it, or remove the comment");
        }
        return checks;
    }

    private static String directive(String comment) {
        int colon = comment.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String key = comment.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        return key.equals("name") || key.equals("expect") || key.equals("database") ? key : null;
    }

    private static UserCheck check(StringBuilder text, String name, Expectation expectation, String database, int line) {
        String sql = text.toString().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        if (sql.isEmpty()) {
            throw new LifeboatException(ErrorCode.USAGE, "line " + line + " of the checks file holds an empty statement",
                    "remove the lone ';'");
        }
        String display = name;
        if (display == null || display.isBlank()) {
            display = sql.lines().findFirst().orElse(sql).strip();
            if (display.length() > MAX_NAME) {
                display = display.substring(0, MAX_NAME - 1) + "…";
            }
        }
        return new UserCheck(display, sql, expectation == null ? Expectation.TRUE : expectation, database, line);
    }
}
