package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionSettingsTest {

    @Test
    void aStandbysPrimaryIsReachedAsTheStandbyIsAtItsOwnHostAndPort() {
        Map<String, String> env = Map.of("PGSSLMODE", "verify-full", "PGPASSWORD", "pw", "HOME", "/nonexistent");
        ConnectionSettings standby = ConnectionSettings.resolve("db2", 5433, "backup", "app", null, null, env);

        ConnectionSettings primary = standby.atServer("db1", 6432);
        assertThat(primary.describe()).isEqualTo("db1:6432");
        assertThat(primary.user()).isEqualTo("backup");
        assertThat(primary.database()).isEqualTo("app");
        assertThat(primary.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(primary.password()).isEqualTo("pw");

        assertThat(standby.atServer(null, 5432).describe()).as("the standby's host").isEqualTo("db2:5432");
        assertThat(standby.atServer("db1", null).describe()).as("libpq's default port").isEqualTo("db1:5432");
        ConnectionSettings socket = ConnectionSettings.resolve("/var/run/postgresql", 5433, null, null, Map.of("HOME", "/nonexistent"));
        assertThat(socket.atServer(null, 5432).describe()).isEqualTo("/var/run/postgresql/.s.PGSQL.5432");
    }

    @Test
    void thePasswordFromTheEnvironmentIsUsedButNeverPrinted() {
        ConnectionSettings settings = ConnectionSettings.resolve(null, null, null, null, Map.of("PGPASSWORD", "s3cr3t-pw", "PGHOST", "db1"));

        assertThat(settings.password()).isEqualTo("s3cr3t-pw");
        assertThat(settings.jdbcProperties("lifeboat").getProperty("password")).isEqualTo("s3cr3t-pw");
        assertThat(settings.toString()).doesNotContain("s3cr3t-pw").contains("db1").contains("password=(set)");
    }

    @Test
    void sslModeAndRootCertComeFromTheCallerElsePgsslmodeAndPgsslrootcert() {
        Map<String, String> env = Map.of("PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/etc/ca.pem", "HOME", "/nonexistent");
        ConnectionSettings fromEnv = ConnectionSettings.resolve("db1", null, null, null, null, null, env);
        assertThat(fromEnv.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(fromEnv.jdbcProperties("t")).containsEntry("sslmode", "verify-full").containsEntry("sslrootcert", "/etc/ca.pem");

        ConnectionSettings given = ConnectionSettings.resolve("db1", null, null, null, "Verify-CA", "/other.pem", env);
        assertThat(given.jdbcProperties("t")).containsEntry("sslmode", "verify-ca").containsEntry("sslrootcert", "/other.pem");

        ConnectionSettings none = ConnectionSettings.resolve("db1", null, null, null, Map.of("HOME", "/nonexistent"));
        assertThat(none.jdbcProperties("t")).doesNotContainKeys("sslmode", "sslrootcert");
    }

    @Test
    void anUnknownSslModeIsAUsageErrorNamingWhereItCameFrom() {
        assertThatThrownBy(() -> ConnectionSettings.resolve(null, null, null, null, "verify", null, Map.of()))
                .isInstanceOf(LifeboatException.class)
                .hasMessage("--pg-sslmode 'verify' is not an sslmode")
                .satisfies(e -> assertThat(((LifeboatException) e).code()).isEqualTo(ErrorCode.USAGE));
        assertThatThrownBy(() -> ConnectionSettings.resolve(null, null, null, null, Map.of("PGSSLMODE", "on")))
                .hasMessage("PGSSLMODE 'on' is not an sslmode");
    }

    @Test
    void aHostStartingWithSlashIsASocketDirectoryReachedWithoutTls() {
        ConnectionSettings socket = ConnectionSettings.resolve(null, 5433, null, null, "require", null,
                Map.of("PGHOST", "/var/run/postgresql", "HOME", "/nonexistent"));
        assertThat(socket.viaUnixSocket()).isTrue();
        assertThat(socket.describe()).isEqualTo("/var/run/postgresql/.s.PGSQL.5433");
        Properties props = socket.jdbcProperties("t");
        assertThat(props).containsEntry("socketFactoryArg", "/var/run/postgresql/.s.PGSQL.5433")
                .containsEntry("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg")
                .containsEntry("sslmode", "disable");
    }

    @Test
    void pgpasswordBeatsThePasswordFileWhichIsMatchedOnTheDatabaseConnectedTo(@TempDir Path home) throws IOException {
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "db1:5432:replication:backup:forwal\ndb1:5432:*:backup:fromfile\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("HOME", home.toString(), "PGUSER", "backup");
        ConnectionSettings settings = ConnectionSettings.resolve("db1", null, null, null, env);
        assertThat(settings.jdbcProperties("t")).containsEntry("password", "fromfile");
        assertThat(settings.jdbcProperties("t", ConnectionSettings.REPLICATION_DATABASE)).containsEntry("password", "forwal");

        ConnectionSettings withVariable = ConnectionSettings.resolve("db1", null, null, null,
                Map.of("HOME", home.toString(), "PGUSER", "backup", "PGPASSWORD", "fromenv"));
        assertThat(withVariable.jdbcProperties("t")).containsEntry("password", "fromenv");
    }

    @Test
    void withoutAnyPasswordTheDriverGetsAnEmptyOneSoItDoesNotReadThePasswordFileUnchecked(@TempDir Path home) throws IOException {
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "*:*:*:*:opentoall\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        ConnectionSettings settings = ConnectionSettings.resolve("db1", null, null, null, Map.of("HOME", home.toString()));
        assertThat(settings.jdbcProperties("t")).containsEntry("password", "");
    }

    @Test
    void thePasswordIsNeverInTheUrlOrTheDescription() {
        ConnectionSettings settings = ConnectionSettings.resolve("db1", null, "backup", null,
                Map.of("PGPASSWORD", "hunter2", "HOME", "/nonexistent"));
        assertThat(settings.jdbcUrl()).doesNotContain("hunter2");
        assertThat(settings.describe()).doesNotContain("hunter2");
        assertThat(settings.toString()).doesNotContain("hunter2").contains("password=(set)");
    }
}
