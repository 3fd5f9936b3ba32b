package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Server settings in the order they were given, written to {@code postgresql.conf} or
 * {@code postgresql.auto.conf} so that PostgreSQL reads back exactly these values.
 *
 * <p>Every value is written quoted: PostgreSQL accepts a quoted value for every type, and an
 * {@code archive_command} full of spaces and quotes needs it. In a quoted value the
 * configuration parser turns {@code ''} into {@code '} and processes backslash escapes, so
 * both are doubled. A later line wins over an earlier one for the same setting, so appending
 * overrides what the file said before.
 *
 * @param values setting name to value, in order
 */
public record PgSettings(Map<String, String> values) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");

    public PgSettings {
        values.forEach(PgSettings::check);
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** No settings. */
    public static PgSettings empty() {
        return new PgSettings(Map.of());
    }

    /** These settings and {@code name = value} (replacing an earlier value for the name). */
    public PgSettings with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.remove(name);
        copy.put(name, value);
        return new PgSettings(copy);
    }

    public PgSettings with(String name, long value) {
        return with(name, Long.toString(value));
    }

    public PgSettings with(String name, boolean value) {
        return with(name, value ? "on" : "off");
    }

    /** A time setting, in milliseconds (PostgreSQL's smallest unit for the ones we set). */
    public PgSettings with(String name, Duration value) {
        return with(name, value.toMillis() + "ms");
    }

    /** These settings followed by {@code more} (which win where both name a setting). */
    public PgSettings withAll(PgSettings more) {
        PgSettings result = this;
        for (Map.Entry<String, String> entry : more.values.entrySet()) {
            result = result.with(entry.getKey(), entry.getValue());
        }
        return result;
    }

    /** {@code value} as a quoted configuration-file string: {@code it's} -> {@code 'it''s'}. */
    public static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The lines to add to a configuration file, one {@code name = 'value'} per setting. */
    public String render() {
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> text.append(name).append(" = ").append(quote(value)).append('\n'));
        return text.toString();
    }

    /**
     * Adds these settings at the end of {@code file} (created if missing) under a comment line,
     * as {@link #append} does.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when the file cannot be written
     */
    public void appendTo(Path file, String comment) {
        try {
            append(file, comment);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot write settings to " + file + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Adds these settings at the end of {@code file} (created if missing) under a comment line.
     * The file is replaced through a temporary file and a rename, keeping its owner and mode,
     * so that a crash leaves the old or the new file, never half of one.
     */
    public void append(Path file, String comment) throws IOException {
        String before = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        StringBuilder after = new StringBuilder(before);
        if (!before.isEmpty() && !before.endsWith("\n")) {
            after.append('\n');
        }
        after.append("# ").append(comment.replace('\n', ' ')).append('\n').append(render());
        Path temporary = file.resolveSibling(file.getFileName() + ".lifeboat-tmp");
        Files.writeString(temporary, after, StandardCharsets.UTF_8);
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(temporary, Files.getPosixFilePermissions(file));
            Files.setOwner(temporary, Files.getOwner(file, LinkOption.NOFOLLOW_LINKS));
            Files.setAttribute(temporary, "unix:gid", Files.getAttribute(file, "unix:gid"));
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Why {@code value} cannot be written for {@code name}, or null when it can: a name
     * PostgreSQL would not take, or a value with a line break or NUL.
     */
    public static String problem(String name, String value) {
        if (!NAME.matcher(name).matches()) {
            return "not a PostgreSQL setting name: " + name;
        }
        // A configuration file has no way to write a line break inside a value.
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            return "the value of " + name + " contains a line break or NUL";
        }
        return null;
    }

    private static void check(String name, String value) {
        String problem = problem(name, value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
