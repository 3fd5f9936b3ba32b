package dev.lifeboat.core.drill;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user check's statement must return:
 * <ul>
 *   <li>{@code true}: one row whose first column is true (the default);
 *   <li>{@code no rows}: no row at all (e.g. "orders with a negative total");
 *   <li>{@code count >= 1}, {@code count > N}, {@code count <= N}, {@code count < N},
 *       {@code count = N}, {@code count between A and B}: one row whose first column is a
 *       number within the bounds (e.g. {@code SELECT count(*) FROM ...}).
 * </ul>
 *
 * @param min the lowest count allowed (inclusive), or null
 * @param max the highest count allowed (inclusive), or null
 */
public record Expectation(Kind kind, BigDecimal min, BigDecimal max, String text) {

    public enum Kind { TRUE, NO_ROWS, COUNT }

    private static final Pattern BETWEEN = Pattern.compile("count\\s+between\\s+(-?\\d+)\\s+and\\s+(-?\\d+)");
    private static final Pattern COMPARE = Pattern.compile("count\\s*(>=|<=|=|>|<)\\s*(-?\\d+)");

    public static final Expectation TRUE = new Expectation(Kind.TRUE, null, null, "true");

    /**
     * Parses the text after {@code -- expect:}.
     *
     * @param where the file and line, for the error message
     */
    public static Expectation parse(String text, String where) {
        String t = text.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (t.equals("true")) {
            return TRUE;
        }
        if (t.equals("no rows")) {
            return new Expectation(Kind.NO_ROWS, null, null, "no rows");
        }
        Matcher between = BETWEEN.matcher(t);
        if (between.matches()) {
            BigDecimal low = new BigDecimal(between.group(1));
            BigDecimal high = new BigDecimal(between.group(2));
            if (low.compareTo(high) > 0) {
                throw new LifeboatException(ErrorCode.USAGE, where + ": 'expect: " + text.strip() + "' has its bounds the wrong way round",
                        "write the lower bound first: count between 1 and 100");
            }
            return new Expectation(Kind.COUNT, low, high, t);
        }
        Matcher compare = COMPARE.matcher(t);
        if (compare.matches()) {
            BigDecimal n = new BigDecimal(compare.group(2));
            return switch (compare.group(1)) {
                case ">=" -> new Expectation(Kind.COUNT, n, null, t);
                case ">" -> new Expectation(Kind.COUNT, n.add(BigDecimal.ONE), null, t);
                case "<=" -> new Expectation(Kind.COUNT, null, n, t);
                case "<" -> new Expectation(Kind.COUNT, null, n.subtract(BigDecimal.ONE), t);
                default -> new Expectation(Kind.COUNT, n, n, t);
            };
        }
        throw new LifeboatException(ErrorCode.USAGE, where + ": cannot read 'expect: " + text.strip() + "'",
                "write one of: expect: true | expect: no rows | expect: count >= 1 | expect: count between 1 and 100");
    }

    /**
     * Judges what the statement returned.
     *
     * @param rowCount  how many rows it returned
     * @param firstRows the first few rows, each column as text (SQL NULL as null)
     * @return why it fails, or empty when it passes
     */
    public Optional<String> judge(long rowCount, List<List<String>> firstRows) {
        switch (kind) {
            case NO_ROWS -> {
                return rowCount == 0 ? Optional.empty()
                        : Optional.of("returned " + rows(rowCount) + " where none were expected; first: " + describe(firstRows.get(0)));
            }
            case TRUE -> {
                if (rowCount != 1) {
                    return Optional.of("returned " + rows(rowCount) + " where one row with true was expected");
                }
                String value = firstRows.get(0).isEmpty() ? null : firstRows.get(0).get(0);
                boolean isTrue = value != null && (value.equalsIgnoreCase("t") || value.equalsIgnoreCase("true"));
                return isTrue ? Optional.empty() : Optional.of("returned " + (value == null ? "NULL" : value) + " where true was expected");
            }
            default -> {
                if (rowCount != 1) {
                    return Optional.of("returned " + rows(rowCount) + " where one row with a count was expected");
                }
                String value = firstRows.get(0).isEmpty() ? null : firstRows.get(0).get(0);
                BigDecimal count;
                try {
                    count = new BigDecimal(value == null ? "" : value.strip());
                } catch (NumberFormatException e) {
                    return Optional.of("returned " + (value == null ? "NULL" : "'" + value + "'") + " where a number was expected");
                }
                if ((min != null && count.compareTo(min) < 0) || (max != null && count.compareTo(max) > 0)) {
                    return Optional.of("returned " + count.toPlainString() + " where " + text + " was expected");
                }
                return Optional.empty();
            }
        }
    }

    private static String rows(long n) {
        return n == 1 ? "1 row" : n + " rows";
    }

    private static String describe(List<String> row) {
        return "(" + String.join(", ", row.stream().map(v -> v == null ? "NULL" : v).toList()) + ")";
    }
}
