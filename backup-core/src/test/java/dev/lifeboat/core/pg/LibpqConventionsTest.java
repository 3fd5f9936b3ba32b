package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestCertificates;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A server as an operator runs it: TLS with a certificate from a private CA, passwords
 * (scram-sha-256) over TCP, trust on its unix socket. Lifeboat reaches it as psql would.
 */
class LibpqConventionsTest {

    private static final String PASSWORD = "tr0ub4dor&3";

    private static ScratchDirectory scratch;
    private static TestCertificates certificates;
    private static LocalCluster cluster;

    @BeforeAll
    static void startServerWithTlsAndPasswords() throws IOException {
        scratch = ScratchDirectory.create("lifeboat-libpq-");
        certificates = TestCertificates.create(scratch.resolve("tls"));
        TestClusters.serverUser().handOver(certificates.directory());
        cluster = certificates.serveTls(TestClusters.builder()).start();
        assertNotNull(cluster.socketDirectory(), "the test cluster listens on a unix socket");
        ClusterSql.execute(cluster, "ALTER ROLE " + cluster.superuser() + " PASSWORD '" + PASSWORD + "'");
        Files.writeString(cluster.dataDirectory().resolve("pg_hba.conf"), """
                local all all trust
                host all all 127.0.0.1/32 scram-sha-256
                host replication all 127.0.0.1/32 scram-sha-256
                """);
        ClusterSql.execute(cluster, "SELECT pg_reload_conf()");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (scratch != null) {
            scratch.close();
        }
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", scratch.resolve("no-home").toString());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private ConnectionSettings tcp(String host, String sslMode, Path rootCert, Map<String, String> env) {
        return ConnectionSettings.resolve(host, cluster.port(), cluster.superuser(), null, sslMode,
                rootCert == null ? null : rootCert.toString(), env);
    }

    @Test
    void verifyCaWithTheServersCaConnectsOverTls() {
        ConnectionSettings settings = tcp("127.0.0.1", "verify-ca", certificates.caCertificate(), env("PGPASSWORD", PASSWORD));
        try (ClusterSession session = ClusterSession.connect(settings)) {
            assertThat(session.queryString("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("true");
        }
    }

    @Test
    void verifyFullWithTheServersCaConnectsToTheNameOnTheCertificate() {
        ConnectionSettings settings = tcp("localhost", null, null,
                env("PGPASSWORD", PASSWORD, "PGSSLMODE", "verify-full", "PGSSLROOTCERT", certificates.caCertificate().toString()));
        try (ClusterSession session = ClusterSession.connect(settings)) {
            assertThat(session.queryString("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("true");
        }
    }

    @Test
    void verifyFullAgainstAnotherCaIsRefusedInOneLineNamingTheCaFile() {
        ConnectionSettings settings = tcp("localhost", "verify-full", certificates.otherCaCertificate(), env("PGPASSWORD", PASSWORD));
        assertThatThrownBy(() -> ClusterSession.connect(settings))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("cannot connect to PostgreSQL at localhost:" + cluster.port()
                            + ": the server's certificate is not signed by the CA in " + certificates.otherCaCertificate()
                            + " (sslmode verify-full)");
                    assertThat(e.hint()).contains("--pg-sslrootcert");
                    assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain("\n");
                });
    }

    @Test
    void verifyFullRefusesAHostTheCertificateDoesNotName() throws IOException {
        // The certificate names localhost and 127.0.0.1, not the machine's other loopback names.
        ConnectionSettings settings = tcp("127.0.0.2", "verify-full", certificates.caCertificate(), env("PGPASSWORD", PASSWORD));
        assertThatThrownBy(() -> ClusterSession.connect(settings))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .satisfiesAnyOf(
                                m -> assertThat(m).contains("the server's certificate does not name host 127.0.0.2"),
                                // where 127.0.0.2 does not reach the server at all
                                m -> assertThat(m).contains("127.0.0.2:" + cluster.port())));
    }

    @Test
    void thePasswordComesFromAPgpassFileOnlyItsOwnerCanRead() throws IOException {
        Path pgpass = scratch.resolve("pgpass-private");
        Files.writeString(pgpass, "# Lifeboat\n127.0.0.1:" + cluster.port() + ":postgres:" + cluster.superuser() + ":"
                + PASSWORD + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        ConnectionSettings settings = tcp("127.0.0.1", "require", null, env("PGPASSFILE", pgpass.toString()));
        try (ClusterSession session = ClusterSession.connect(settings)) {
            assertThat(session.majorVersion()).isGreaterThanOrEqualTo(12);
        }
        // The walsender connection matches the file's "replication" database, as libpq's does.
        Files.writeString(pgpass, "127.0.0.1:*:replication:*:" + PASSWORD + "\n");
        try (PhysicalReplication walsender = PhysicalReplication.open(settings)) {
            assertThat(walsender.identifySystem().timeline()).isEqualTo(1);
        }
    }

    @Test
    void aPgpassFileOthersCanReadIsIgnoredWithAWarningAndTheLoginFailsNamingThePasswordSources() throws IOException {
        Path pgpass = scratch.resolve("pgpass-open");
        Files.writeString(pgpass, "*:*:*:*:" + PASSWORD + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        ConnectionSettings settings = tcp("127.0.0.1", null, null, env("PGPASSFILE", pgpass.toString()));
        String stderr = capturingStderr(() -> assertThatThrownBy(() -> ClusterSession.connect(settings))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("cannot connect to PostgreSQL at 127.0.0.1:" + cluster.port()
                            + ": the server asks for a password and none was found");
                    assertThat(e.hint()).contains("PGPASSWORD").contains("~/.pgpass").contains("0600");
                }));
        assertThat(stderr).contains("WARNING: password file \"" + pgpass + "\" has group or world access").doesNotContain(PASSWORD);
    }

    @Test
    void pgpasswordWinsOverThePasswordFile() throws IOException {
        Path pgpass = scratch.resolve("pgpass-wrong");
        Files.writeString(pgpass, "*:*:*:*:not-the-password\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        ConnectionSettings settings = tcp("127.0.0.1", null, null, env("PGPASSFILE", pgpass.toString(), "PGPASSWORD", PASSWORD));
        try (ClusterSession session = ClusterSession.connect(settings)) {
            assertThat(session.serverVersionNum()).isPositive();
        }
    }

    @Test
    void aSocketDirectoryAsHostConnectsThroughTheUnixSocket() {
        ConnectionSettings settings = ConnectionSettings.resolve(null, null, cluster.superuser(), null,
                env("PGHOST", cluster.socketDirectory().toString(), "PGPORT", Integer.toString(cluster.port()), "PGSSLMODE", "require"));
        try (ClusterSession session = ClusterSession.connect(settings)) {
            // inet_client_addr() is NULL on a unix socket; no password was needed: 'local' is trust.
            assertThat(session.queryOptional("SELECT inet_client_addr()::text")).isEmpty();
            assertThat(Path.of(session.dataDirectory())).isEqualTo(cluster.dataDirectory());
        }
    }

    @Test
    void aSocketDirectoryWithoutAServerIsRefusedNamingTheSocket() {
        Path nowhere = scratch.resolve("no-server");
        ConnectionSettings settings = ConnectionSettings.resolve(nowhere.toString(), 5432, null, null, env());
        assertThatThrownBy(() -> ClusterSession.connect(settings))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                    assertThat(e.getMessage()).isEqualTo("cannot connect to PostgreSQL at " + nowhere + "/.s.PGSQL.5432: no server listening on the socket");
                });
    }

    private static String capturingStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
