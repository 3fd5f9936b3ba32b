package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestCertificates;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's PostgreSQL is reached as psql reaches it: through its unix socket directory,
 * or over TLS checked against the operator's own CA, with the password from PGPASSWORD; the
 * shaded jar carries what that needs (junixsocket's native library).
 */
class LibpqConnectionIT {

    @Test
    void aBackupTakenThroughTheUnixSocketDirectoryRestores() throws IOException {
        try (ArchivingCluster pg = ArchivingCluster.startWithoutInit()) {
            Path socketDirectory = pg.cluster().socketDirectory();
            assertThat(socketDirectory).as("the test cluster listens on a unix socket").isNotNull();
            String[] viaSocket = {"--pgdata", pg.dataDirectory().toString(), "--pg-host", socketDirectory.toString(),
                    "--pg-port", Integer.toString(pg.port())};
            Lifeboat.Run init = pg.lifeboat(concat(new String[] {"init", "--repo", pg.repository().toString()}, viaSocket));
            assertThat(init.exitCode()).as(init.toString()).isZero();
            ClusterSql.execute(pg.cluster(), "CREATE TABLE boats AS SELECT g AS id, 'boat ' || g AS name FROM generate_series(1, 500) g");
            String expected = ClusterSql.queryForString(pg.cluster(), "SELECT md5(string_agg(name, ',' ORDER BY id)) FROM boats");

            // PGHOST, as psql's users set it, rather than the flag
            Lifeboat.Run backup = Lifeboat.run(Map.of("PGHOST", socketDirectory.toString()), "backup",
                    "--repo", pg.repository().toString(), "--pgdata", pg.dataDirectory().toString(), "--pg-port", Integer.toString(pg.port()));
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            assertThat(backup.stderr()).as(backup.toString()).doesNotContain("Exception");

            Path restored = pg.newDirectory("restored");
            int port;
            try (PortReservation reservation = FreePort.reserve()) {
                port = reservation.port();
            }
            Lifeboat.Run restore = pg.restore(restored, port);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(ArchivingCluster.query(port, "SELECT md5(string_agg(name, ',' ORDER BY id)) FROM boats")).isEqualTo(expected);
        }
    }

    @Test
    void verifyCaWithTheServersCaConnectsAndAnotherCaIsRefusedInOneLineWithExit5() throws IOException {
        String password = "s3cret-for-libpq-it";
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-tls-")) {
            TestCertificates certificates = TestCertificates.create(scratch.resolve("tls"));
            try (LocalCluster cluster = startTlsClusterWithPassword(scratch, certificates, password)) {
                initOverTls(scratch, certificates, cluster, password);
            }
        }
    }

    @Test
    void aTemporaryDirectoryWhereJunixsocketCannotUnpackIsOneLineWithWhatToDo() throws IOException {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-nosocket-")) {
            Path socketDirectory = Files.createDirectories(scratch.resolve("run"));
            Path repo = scratch.resolve("repo");
            Lifeboat.Run run = Lifeboat.run(Map.of("LIFEBOAT_JAVA_OPTS", "-Djava.io.tmpdir=" + scratch.resolve("missing-tmp")),
                    "init", "--repo", repo.toString(), "--pgdata", scratch.path().toString(), "--pg-host", socketDirectory.toString());
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
            assertThat(run.stderrLines()).as(run.toString()).containsExactly(
                    "lifeboat: error: cannot connect to PostgreSQL at " + socketDirectory + "/.s.PGSQL.5432:"
                            + " cannot load junixsocket's native library, which unix sockets need",
                    "  hint: junixsocket unpacks its library into java.io.tmpdir: set LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=DIR"
                            + " to a writable directory that is not mounted noexec, or connect over TCP (--pg-host 127.0.0.1)");
            assertThat(repo).doesNotExist();
        }
    }

    private static void initOverTls(ScratchDirectory scratch, TestCertificates certificates, LocalCluster cluster, String password)
            throws IOException {
        Path goodRepo = scratch.resolve("repo-good");
        Path refusedRepo = scratch.resolve("repo-refused");
        Map<String, String> env = Map.of("PGPASSWORD", password, "HOME", scratch.resolve("home").toString());

        Lifeboat.Run refused = Lifeboat.run(env, "init", "--debug", "--repo", refusedRepo.toString(),
                "--pgdata", cluster.dataDirectory().toString(), "--pg-host", "localhost", "--pg-port", Integer.toString(cluster.port()),
                "--pg-sslmode", "verify-full", "--pg-sslrootcert", certificates.otherCaCertificate().toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
        assertThat(refused.stderrLines().get(0)).as(refused.toString()).isEqualTo("lifeboat: error: cannot connect to PostgreSQL at localhost:"
                + cluster.port() + ": the server's certificate is not signed by the CA in " + certificates.otherCaCertificate()
                + " (sslmode verify-full)");
        assertThat(refused.stdout() + refused.stderr()).as("even with --debug").doesNotContain(password);
        assertThat(Files.exists(refusedRepo) ? Files.list(refusedRepo).count() : 0).as("nothing written").isZero();

        // the same through the environment an operator's psql already uses
        Map<String, String> verifying = new java.util.HashMap<>(env);
        verifying.put("PGSSLMODE", "verify-ca");
        verifying.put("PGSSLROOTCERT", certificates.caCertificate().toString());
        Lifeboat.Run init = Lifeboat.run(verifying, "init", "--debug", "--repo", goodRepo.toString(),
                "--pgdata", cluster.dataDirectory().toString(), "--pg-host", "127.0.0.1", "--pg-port", Integer.toString(cluster.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(init.stdout() + init.stderr()).doesNotContain(password);

        // the password from a password file only its owner can read; ignored, with libpq's warning, once others can
        Path pgpass = scratch.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + cluster.port() + ":*:" + cluster.superuser() + ":" + password + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> withFile = Map.of("PGPASSFILE", pgpass.toString(), "HOME", scratch.resolve("home").toString());
        String[] initAgain = {"init", "--repo", goodRepo.toString(), "--pgdata", cluster.dataDirectory().toString(),
                "--pg-host", "127.0.0.1", "--pg-port", Integer.toString(cluster.port()), "--pg-sslmode", "require"};
        Lifeboat.Run fromFile = Lifeboat.run(withFile, initAgain);
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        Lifeboat.Run ignored = Lifeboat.run(withFile, initAgain);
        assertThat(ignored.exitCode()).as(ignored.toString()).isEqualTo(5);
        assertThat(ignored.stderrLines()).as(ignored.toString()).contains(
                "WARNING: password file \"" + pgpass + "\" has group or world access; permissions should be u=rw (0600) or less",
                "lifeboat: error: cannot connect to PostgreSQL at 127.0.0.1:" + cluster.port()
                        + ": the server asks for a password and none was found");
        assertThat(ignored.stdout() + ignored.stderr()).doesNotContain(password);
    }

    private static LocalCluster startTlsClusterWithPassword(ScratchDirectory scratch, TestCertificates certificates, String password)
            throws IOException {
        TestClusters.serverUser().handOver(certificates.directory());
        LocalCluster cluster = certificates.serveTls(TestClusters.builder().baseDirectory(scratch.resolve("cluster"))).start();
        ClusterSql.execute(cluster, "ALTER ROLE " + cluster.superuser() + " PASSWORD '" + password + "'");
        Files.writeString(cluster.dataDirectory().resolve("pg_hba.conf"), """
                local all all trust
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                """);
        ClusterSql.execute(cluster, "SELECT pg_reload_conf()");
        return cluster;
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
