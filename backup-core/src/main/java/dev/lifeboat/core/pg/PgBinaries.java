package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directory of one PostgreSQL server installation ({@code initdb}, {@code pg_ctl},
 * {@code postgres} and, in a full installation, the client tools) and its version.
 *
 * <p>{@link #locate()} looks, in this order, at {@code LIFEBOAT_PG_BIN}, at
 * {@code pg_config --bindir}, at the newest {@code /usr/lib/postgresql/N/bin} (Debian, Ubuntu),
 * at the newest {@code /usr/pgsql-N/bin} (RHEL and friends) and at the {@code PATH}.
 *
 * @param binDirectory the bin directory holding at least {@code postgres}, {@code initdb}
 *     and {@code pg_ctl}
 * @param version the server version as {@code postgres --version} prints it, e.g. "15.18"
 * @param majorVersion the major version, e.g. 15
 */
public record PgBinaries(Path binDirectory, String version, int majorVersion) {

    /** The environment variable that names a bin directory and wins over every search. */
    public static final String BIN_ENV = "LIFEBOAT_PG_BIN";

    static final List<String> SERVER_PROGRAMS = List.of("postgres", "initdb", "pg_ctl");

    private static final String HINT = "install postgresql-15 (or newer) or set " + BIN_ENV
            + " to the bin directory of a PostgreSQL installation";
    private static final Pattern VERSION =
            Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.\\d+)*\\S*)");
    private static final Pattern NUMBERED_DIR = Pattern.compile("(\\d+)(?:\\.(\\d+))?$");

    public PgBinaries {
        binDirectory = binDirectory.toAbsolutePath().normalize();
    }

    /**
     * Finds the server binaries on this machine, as described above.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) naming every place it looked when
     *     none holds a server, or when {@code LIFEBOAT_PG_BIN} names a directory without one
     */
    public static PgBinaries locate() {
        return locate(System.getenv(), Path.of("/"));
    }

    /**
     * Like {@link #locate()}, but empty instead of failing when this machine has no server
     * (so that a caller can fall back to {@link EmbeddedPgBinaries}). A wrong
     * {@code LIFEBOAT_PG_BIN} still fails: the user asked for that directory.
     */
    public static Optional<PgBinaries> findLocal() {
        return find(System.getenv(), Path.of("/"), new ArrayList<>());
    }

    /**
     * The binaries in {@code binDirectory}.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when the directory lacks
     *     {@code postgres}, {@code initdb} or {@code pg_ctl}, or {@code postgres} cannot say its
     *     version
     */
    public static PgBinaries at(Path binDirectory) {
        List<String> missing = missingServerPrograms(binDirectory);
        if (!missing.isEmpty()) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    binDirectory + " is not a PostgreSQL bin directory: no " + String.join(", ", missing),
                    HINT);
        }
        Path postgres = binDirectory.resolve("postgres");
        ExternalCommand.Result result =
                ExternalCommand.of(List.of(postgres.toString(), "--version"), Duration.ofSeconds(30)).run();
        Matcher matcher = VERSION.matcher(result.output());
        if (!result.succeeded() || !matcher.find()) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    postgres + " --version did not print a PostgreSQL version: " + result.output(), HINT);
        }
        return new PgBinaries(binDirectory, matcher.group(1), Integer.parseInt(matcher.group(2)));
    }

    /** The program {@code name} in this installation, if it has one. */
    public Optional<Path> findTool(String name) {
        Path tool = binDirectory.resolve(name);
        return Files.isRegularFile(tool) && Files.isExecutable(tool) ? Optional.of(tool) : Optional.empty();
    }

    /**
     * The program {@code name} in this installation.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when it has none: an embedded
     *     bundle, for one, holds only the server programs
     */
    public Path tool(String name) {
        return findTool(name).orElseThrow(() -> new LifeboatException(ErrorCode.POSTGRES,
                "PostgreSQL " + version + " in " + binDirectory + " has no " + name,
                "install the full PostgreSQL " + majorVersion + " package or set " + BIN_ENV
                        + " to a bin directory that has " + name));
    }

    static PgBinaries locate(Map<String, String> env, Path root) {
        List<String> looked = new ArrayList<>();
        return find(env, root, looked).orElseThrow(() -> new LifeboatException(ErrorCode.POSTGRES,
                "no PostgreSQL server binaries found (looked at " + String.join("; ", looked) + ")", HINT));
    }

    private static Optional<PgBinaries> find(Map<String, String> env, Path root, List<String> looked) {
        String fromEnv = env.get(BIN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(at(Path.of(fromEnv)));
        }
        looked.add(BIN_ENV + " (not set)");

        List<Path> path = searchPath(env);
        Optional<Path> pgConfigBin = pgConfigBinDirectory(path);
        looked.add("pg_config --bindir" + pgConfigBin.map(dir -> " (" + dir + ")").orElse(" (no pg_config)"));
        if (pgConfigBin.isPresent() && missingServerPrograms(pgConfigBin.get()).isEmpty()) {
            return Optional.of(at(pgConfigBin.get()));
        }
        // Debian and Ubuntu: /usr/lib/postgresql/15/bin; RHEL and friends: /usr/pgsql-15/bin.
        for (String[] layout : new String[][] {{"usr/lib/postgresql", ""}, {"usr", "pgsql-"}}) {
            Path parent = root.resolve(layout[0]);
            looked.add(parent.resolve(layout[1] + "*/bin").toString());
            Optional<Path> newest = newestNumberedBin(parent, layout[1]);
            if (newest.isPresent()) {
                return Optional.of(at(newest.get()));
            }
        }
        looked.add("PATH");
        return path.stream()
                .filter(dir -> missingServerPrograms(dir).isEmpty())
                .findFirst()
                .map(PgBinaries::at);
    }

    private static List<Path> searchPath(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        List<Path> dirs = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }

    private static Optional<Path> pgConfigBinDirectory(List<Path> path) {
        Optional<Path> pgConfig = path.stream()
                .map(dir -> dir.resolve("pg_config"))
                .filter(Files::isExecutable)
                .findFirst();
        if (pgConfig.isEmpty()) {
            return Optional.empty();
        }
        ExternalCommand.Result result =
                ExternalCommand.of(List.of(pgConfig.get().toString(), "--bindir"), Duration.ofSeconds(30)).run();
        return result.succeeded() && !result.output().isBlank()
                ? Optional.of(Path.of(result.output().lines().findFirst().orElseThrow().strip()))
                : Optional.empty();
    }

    /** The bin directory of the highest version among {@code parent/<prefix>N/bin}. */
    private static Optional<Path> newestNumberedBin(Path parent, String prefix) {
        if (!Files.isDirectory(parent)) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Path bin = entry.resolve("bin");
                if (name.startsWith(prefix) && NUMBERED_DIR.matcher(name.substring(prefix.length())).matches()
                        && missingServerPrograms(bin).isEmpty()) {
                    candidates.add(bin);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return candidates.stream().max(Comparator.comparing(PgBinaries::numberedVersion));
    }

    /** 15 -> 15000, 9.6 -> 9006: orders "9.6" below "10" and "15" below "16". */
    private static int numberedVersion(Path bin) {
        String name = bin.getParent().getFileName().toString();
        Matcher matcher = NUMBERED_DIR.matcher(name);
        if (!matcher.find()) {
            return -1;
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
        return major * 1000 + minor;
    }

    static List<String> missingServerPrograms(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String program : SERVER_PROGRAMS) {
            if (!Files.isExecutable(dir.resolve(program))) {
                missing.add(program);
            }
        }
        return missing;
    }
}
