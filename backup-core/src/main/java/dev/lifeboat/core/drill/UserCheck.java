package dev.lifeboat.core.drill;

/**
 * One statement of a drill's checks file.
 *
 * @param name      its name in reports: the {@code -- name:} comment, else its first line
 * @param database  the database to run it in: the {@code -- database:} comment, else null (the default)
 * @param line      the line it starts on, for messages
 */
public record UserCheck(String name, String statement, Expectation expectation, String database, int line) {
}
