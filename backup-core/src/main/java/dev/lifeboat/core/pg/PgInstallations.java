package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL server installations on a machine, searched for the one major version a
 * backup or data directory needs: a restored instance must run the binaries of the version
 * that wrote its files.
 *
 * <p>The search, in this order: the directory given with {@code --pg-bin} or
 * {@code LIFEBOAT_PG_BIN} (then no other: the user chose it, so a wrong one is refused);
 * Debian's {@code /usr/lib/postgresql/N/bin}; RHEL's {@code /usr/pgsql-N/bin};
 * {@code pg_config --bindir} of the first {@code pg_config} on the {@code PATH}; a directory
 * on the {@code PATH} holding {@code postgres} (or the one its symbolic link points into).
 * Lifeboat's cache of embedded bundles ({@link EmbeddedPgBinaries}), last. A candidate's
 * version is what its {@code postgres --version} prints, never its directory's name. When
 * nothing is found and the user opted in ({@code --download-pg}), the pinned bundle of that
 * major version is downloaded from Maven Central into the cache.
 */
public final class PgInstallations {

    private final Path explicitDirectory;
    private final Map<String, String> env;
    private final Path root;
    private final EmbeddedPgBinaries embedded;
    private final boolean download;

    /**
     * @param explicitDirectory the bin directory the user named ({@code --pg-bin}), or null to
     *     take {@code LIFEBOAT_PG_BIN} from {@code env}, else search
     * @param root the file system root the fixed layouts are looked up under ({@code /} but in
     *     tests, which build fake layouts)
     * @param embedded the cache of embedded bundles, searched last
     * @param download whether a search that finds nothing may download the bundle into {@code embedded}
     */
    PgInstallations(Path explicitDirectory, Map<String, String> env, Path root, EmbeddedPgBinaries embedded, boolean download) {
        this.embedded = embedded;
        this.download = download;
        String fromEnv = env.get(PgBinaries.BIN_ENV);
        this.explicitDirectory = explicitDirectory != null ? explicitDirectory
                : fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
        this.env = Map.copyOf(env);
        this.root = root;
    }

    /** This machine's installations; {@code pgBin} is the {@code --pg-bin} directory, or null. */
    public static PgInstallations onThisMachine(Path pgBin) {
        return onThisMachine(PgBinChoice.of(pgBin));
    }

    /** This machine's installations, searched (and downloaded into the cache) as {@code choice} says. */
    public static PgInstallations onThisMachine(PgBinChoice choice) {
        Map<String, String> env = System.getenv();
        return new PgInstallations(choice.directory(), env, Path.of("/"),
                EmbeddedPgBinaries.inCache(EmbeddedPgBinaries.defaultCacheDirectory(env)), choice.download());
    }

    /**
     * The binaries the user named with {@code --pg-bin} or {@code LIFEBOAT_PG_BIN}, of any
     * version, or empty when neither is given.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when the named directory is missing
     *     or holds no server
     */
    public Optional<PgBinaries> explicit() {
        return explicit("a PostgreSQL installation");
    }

    private Optional<PgBinaries> explicit(String wanted) {
        if (explicitDirectory == null) {
            return Optional.empty();
        }
        if (!Files.exists(explicitDirectory)) {
            throw new LifeboatException(ErrorCode.POSTGRES, "the server bin directory " + explicitDirectory
                    + " (--pg-bin or " + PgBinaries.BIN_ENV + ") does not exist",
                    "give --pg-bin (or " + PgBinaries.BIN_ENV + ") the bin directory of " + wanted);
        }
        return Optional.of(PgBinaries.at(explicitDirectory));
    }

    /**
     * The server binaries of {@code major}.
     *
     * @param neededBy what needs that version, for the message: "backup 20261120T140300Z",
     *     a data directory
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when the directory the user named
     *     is missing, holds no server or another version (naming both versions), or when the
     *     search finds none of {@code major} (naming where it looked and what to install)
     */
    public PgBinaries forMajorVersion(int major, String neededBy) {
        Optional<PgBinaries> chosen = explicit("PostgreSQL " + major + ", e.g. " + debianBin(major));
        if (chosen.isPresent()) {
            PgBinaries binaries = chosen.get();
            if (binaries.majorVersion() != major) {
                throw new LifeboatException(ErrorCode.POSTGRES, neededBy + " is PostgreSQL " + major + " but the server binaries at "
                        + binaries.binDirectory() + " are PostgreSQL " + binaries.majorVersion(),
                        "give --pg-bin (or " + PgBinaries.BIN_ENV + ") a PostgreSQL " + major + " bin directory, or leave both unset"
                                + " to search " + debianBin(major) + ", " + rhelBin(major) + ", pg_config and the PATH");
            }
            return binaries;
        }
        Search search = new Search(major);
        search.look("--pg-bin and " + PgBinaries.BIN_ENV + " (not given)");
        List<Path> path = searchPath();
        Optional<PgBinaries> found = search.candidate(debianBin(major).toString(), debianBin(major))
                .or(() -> search.candidate(rhelBin(major).toString(), rhelBin(major)))
                .or(() -> fromPgConfig(search, path))
                .or(() -> fromPath(search, path))
                .or(() -> fromCache(search, major));
        if (found.isPresent()) {
            return found.get();
        }
        if (download) {
            return downloaded(major, neededBy);
        }
        throw new LifeboatException(ErrorCode.POSTGRES,
                "no PostgreSQL " + major + " server binaries found for " + neededBy + " (looked in " + search.describe() + ")",
                installHint(major));
    }

    /** A bundle of {@code major} an earlier download left in Lifeboat's cache. */
    private Optional<PgBinaries> fromCache(Search search, int major) {
        Optional<Path> cached;
        try {
            cached = embedded.cachedBinDirectory(major);
        } catch (LifeboatException unsupportedPlatform) {
            return Optional.empty();
        }
        if (cached.isEmpty()) {
            search.look("Lifeboat's cache " + embedded.cacheDirectory() + " (none)");
            return Optional.empty();
        }
        return search.candidate("Lifeboat's cache", cached.get());
    }

    /** The pinned embedded bundle of {@code major}, downloaded from Maven Central into the cache. */
    private PgBinaries downloaded(int major, String neededBy) {
        String version = EmbeddedPgBinaries.PINNED.get(major);
        if (version == null) {
            throw new LifeboatException(ErrorCode.POSTGRES, neededBy + " is PostgreSQL " + major
                    + ", and --download-pg knows only PostgreSQL " + EmbeddedPgBinaries.PINNED.keySet().stream().sorted().toList(),
                    installHint(major));
        }
        PgBinaries fetched = embedded.obtain(version);
        if (fetched.majorVersion() != major) {
            throw new LifeboatException(ErrorCode.POSTGRES, "the downloaded bundle " + version + " at " + fetched.binDirectory()
                    + " runs PostgreSQL " + fetched.majorVersion() + ", not " + major, installHint(major));
        }
        return fetched;
    }

    /** The installation the first pg_config on the PATH belongs to, if it is of the wanted version. */
    private static Optional<PgBinaries> fromPgConfig(Search search, List<Path> path) {
        Optional<Path> pgConfig = path.stream().map(dir -> dir.resolve("pg_config")).filter(PgInstallations::isProgram).findFirst();
        if (pgConfig.isEmpty()) {
            search.look("pg_config (none on the PATH)");
            return Optional.empty();
        }
        Optional<Path> bindir = bindirOf(pgConfig.get());
        if (bindir.isEmpty()) {
            search.look(pgConfig.get() + " --bindir (failed)");
            return Optional.empty();
        }
        return search.candidate("pg_config --bindir", bindir.get());
    }

    /** The first postgres on the PATH of the wanted version, with its initdb and pg_ctl. */
    private static Optional<PgBinaries> fromPath(Search search, List<Path> path) {
        boolean postgresOnPath = false;
        for (Path dir : path) {
            Path postgres = dir.resolve("postgres");
            if (!isProgram(postgres)) {
                continue;
            }
            postgresOnPath = true;
            // /usr/local/bin/postgres may be a link into the installation that also has initdb and pg_ctl
            Path bin = PgBinaries.missingServerPrograms(dir).isEmpty() ? dir : realParent(postgres);
            Optional<PgBinaries> found = search.candidate("postgres on the PATH", bin);
            if (found.isPresent()) {
                return found;
            }
        }
        if (!postgresOnPath) {
            search.look("the PATH (no postgres)");
        }
        return Optional.empty();
    }

    /** What to install to get the server of {@code major}, and how to name one by hand. */
    static String installHint(int major) {
        return "install postgresql-" + major + " (apt.postgresql.org) or postgresql" + major + "-server (PGDG yum), or give --pg-bin DIR"
                + " (or " + PgBinaries.BIN_ENV + ") naming a PostgreSQL " + major + " bin directory, or pass --download-pg to fetch"
                + " its server binaries from Maven Central into Lifeboat's cache";
    }

    private Path debianBin(int major) {
        return root.resolve("usr/lib/postgresql/" + major + "/bin");
    }

    private Path rhelBin(int major) {
        return root.resolve("usr/pgsql-" + major + "/bin");
    }

    private List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        for (String entry : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry));
            }
        }
        return dirs;
    }

    private static Optional<Path> bindirOf(Path pgConfig) {
        ExternalCommand.Result result;
        try {
            result = ExternalCommand.of(List.of(pgConfig.toString(), "--bindir"), Duration.ofSeconds(30)).run();
        } catch (LifeboatException e) {
            return Optional.empty();
        }
        return result.succeeded() && !result.output().isBlank()
                ? Optional.of(Path.of(result.output().lines().findFirst().orElseThrow().strip()))
                : Optional.empty();
    }

    private static Path realParent(Path program) {
        try {
            return program.toRealPath().getParent();
        } catch (IOException e) {
            return program.getParent();
        }
    }

    private static boolean isProgram(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }

    /** One search for a major version: the places looked at, each with what was found there. */
    private static final class Search {
        private final int major;
        private final List<String> looked = new ArrayList<>();
        /** Each directory whose version was asked, and what it said: asked once even when two places lead to it. */
        private final Map<Path, Optional<PgBinaries>> asked = new LinkedHashMap<>();

        Search(int major) {
            this.major = major;
        }

        void look(String place) {
            looked.add(place);
        }

        /** The binaries in {@code bin} if they are of the wanted version; otherwise notes what is there. */
        Optional<PgBinaries> candidate(String place, Path bin) {
            Path dir = bin.toAbsolutePath().normalize();
            String label = place.equals(dir.toString()) ? place : place + " " + dir;
            if (!Files.isDirectory(dir)) {
                look(place.equals(dir.toString()) ? place : label + " (missing)");
                return Optional.empty();
            }
            List<String> missing = PgBinaries.missingServerPrograms(dir);
            if (!missing.isEmpty()) {
                look(label + " (no " + String.join(", ", missing) + ")");
                return Optional.empty();
            }
            boolean seen = asked.containsKey(dir);
            Optional<PgBinaries> binaries = asked.computeIfAbsent(dir, Search::version);
            if (binaries.isPresent() && binaries.get().majorVersion() == major) {
                return binaries;
            }
            if (!seen) {
                look(label + binaries.map(b -> " (PostgreSQL " + b.version() + ")").orElse(" (postgres --version failed)"));
            }
            return Optional.empty();
        }

        private static Optional<PgBinaries> version(Path dir) {
            try {
                return Optional.of(PgBinaries.at(dir));
            } catch (LifeboatException e) {
                return Optional.empty();
            }
        }

        String describe() {
            return String.join(", ", looked);
        }
    }
}
