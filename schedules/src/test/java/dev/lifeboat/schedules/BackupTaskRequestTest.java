package dev.lifeboat.schedules;

import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.pg.SslMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BackupTaskRequestTest {

    @Test
    void aScheduledBackupConnectsWithTheJobsSslSettingsElseThoseOfTheEnvironment() {
        JobDefinition job = new JobDefinition("nightly", JobKind.BACKUP, null, Map.of("pgdata", "/srv/pg",
                "pg-host", "db1", "pg-sslmode", "verify-full", "pg-sslrootcert", "/etc/lifeboat/ca.pem"));
        BackupRequest request = BackupTask.request(job, Map.of("PGSSLMODE", "disable", "HOME", "/nonexistent"));
        assertThat(request.connection().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(request.connection().sslRootCert()).isEqualTo(Path.of("/etc/lifeboat/ca.pem"));

        JobDefinition plain = new JobDefinition("nightly", JobKind.BACKUP, null, Map.of("pgdata", "/srv/pg"));
        BackupRequest fromEnv = BackupTask.request(plain, Map.of("PGSSLMODE", "require", "PGHOST", "/var/run/postgresql"));
        assertThat(fromEnv.connection().sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(fromEnv.connection().describe()).isEqualTo("/var/run/postgresql/.s.PGSQL.5432");
    }
}
