package dev.lifeboat.core.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * libpq's password file (~/.pgpass or PGPASSFILE): lines of
 * {@code hostname:port:database:username:password}, {@code *} matching anything in the first four
 * fields, {@code \:} and {@code \\} standing for {@code :} and {@code \}, lines starting with
 * {@code #} ignored, the first matching line winning. As libpq does, a file that the group or
 * others may read or write is ignored with a warning: its passwords are not secret any more.
 *
 * <p>Read here rather than by the JDBC driver, which reads the same file without the
 * permission check.
 */
public record PgPassFile(Path path) {

    /** Where libpq's default socket directories count as host "localhost", as a compiled-in default does for libpq. */
    private static final Set<String> DEFAULT_SOCKET_DIRECTORIES = Set.of("/var/run/postgresql", "/run/postgresql", "/tmp");

    /** PGPASSFILE, else .pgpass in HOME (else the JVM's user.home); empty when neither is known. */
    public static Optional<PgPassFile> fromEnvironment(Map<String, String> env) {
        String named = env.get("PGPASSFILE");
        if (named != null && !named.isBlank()) {
            return Optional.of(new PgPassFile(Path.of(named)));
        }
        String home = env.get("HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.home");
        }
        return home == null || home.isBlank() ? Optional.empty() : Optional.of(new PgPassFile(Path.of(home, ".pgpass")));
    }

    /**
     * The password of the first line that matches, or empty: also when the file does not exist,
     * is not a plain file, or is open to group or others (then {@code warnings} hears why).
     * {@code host} is a host name or a socket directory.
     */
    public Optional<String> password(String host, int port, String database, String user, Consumer<String> warnings) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(path)) {
            warnings.accept("WARNING: password file \"" + path + "\" is not a plain file");
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (openToOthers(permissions)) {
                warnings.accept("WARNING: password file \"" + path
                        + "\" has group or world access; permissions should be u=rw (0600) or less");
                return Optional.empty();
            }
            return match(Files.readAllLines(path, StandardCharsets.UTF_8), host, port, database, user);
        } catch (UnsupportedOperationException | IOException e) {
            warnings.accept("WARNING: password file \"" + path + "\" cannot be read: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    private static boolean openToOthers(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission p : permissions) {
            if (!p.name().startsWith("OWNER_")) {
                return true;
            }
        }
        return false;
    }

    /** The first line's password whose four fields match; the pure part of {@link #password}. */
    static Optional<String> match(List<String> lines, String host, int port, String database, String user) {
        String[] wanted = {host, Integer.toString(port), database, user};
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<Field> fields = fields(line);
            if (fields.size() < 5) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < 4 && matches; i++) {
                matches = fields.get(i).matches(wanted[i]) || i == 0 && matchesAsLocalhost(fields.get(0), host);
            }
            if (matches) {
                return Optional.of(fields.get(4).text());
            }
        }
        return Optional.empty();
    }

    /** "localhost" in the file also stands for the default socket directories, as in libpq. */
    private static boolean matchesAsLocalhost(Field field, String host) {
        return field.matches("localhost") && host != null && DEFAULT_SOCKET_DIRECTORIES.contains(stripTrailingSlash(host));
    }

    private static String stripTrailingSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    /** One field with its escapes undone; {@code *} unescaped is the wildcard. */
    private record Field(String text, boolean wildcard) {
        boolean matches(String value) {
            return wildcard || text.equals(value);
        }
    }

    /**
     * Splits at each unescaped ':'; a backslash takes the next character literally. The fifth
     * field, the password, also ends at an unescaped ':' (anything after it is ignored, as libpq does).
     */
    private static List<Field> fields(String line) {
        List<Field> fields = new ArrayList<>(5);
        StringBuilder current = new StringBuilder();
        boolean escapedAny = false;
        for (int i = 0; i < line.length() && fields.size() < 5; i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                current.append(line.charAt(++i));
                escapedAny = true;
            } else if (c == ':') {
                fields.add(field(current, escapedAny));
                current.setLength(0);
                escapedAny = false;
            } else {
                current.append(c);
            }
        }
        if (fields.size() < 5) {
            fields.add(field(current, escapedAny));
        }
        return fields;
    }

    private static Field field(StringBuilder text, boolean escaped) {
        return new Field(text.toString(), !escaped && text.length() == 1 && text.charAt(0) == '*');
    }
}
