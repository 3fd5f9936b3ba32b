package dev.lifeboat.schedules;

import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.pg.SslMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aScheduledBackupFromAStandbyReachesItsPrimaryAsItReachesTheStandby() {
        JobDefinition job = new JobDefinition("standby", JobKind.BACKUP, null, Map.of("pgdata", "/srv/standby",
                "pg-host", "db2", "pg-port", "5433", "pg-user", "backup", "from-standby", "true", "primary-host", "db1"));
        BackupRequest request = BackupTask.request(job, Map.of("HOME", "/nonexistent"));
        assertThat(request.fromStandby()).isTrue();
        assertThat(request.primary().describe()).isEqualTo("db1:5432");
        assertThat(request.primary().user()).isEqualTo("backup");

        JobDefinition noPrimary = new JobDefinition("standby", JobKind.BACKUP, null, Map.of("pgdata", "/srv/standby",
                "from-standby", "true"));
        assertThat(BackupTask.request(noPrimary, Map.of("HOME", "/nonexistent")).primary()).isNull();
    }

    @Test
    void aPrimaryWithoutFromStandbyOrAFromStandbyThatIsNotTrueOrFalseIsRefused() {
        JobDefinition primaryOnly = new JobDefinition("standby", JobKind.BACKUP, null, Map.of("pgdata", "/srv/standby",
                "primary-port", "5432"));
        assertThatThrownBy(() -> BackupTask.request(primaryOnly, Map.of("HOME", "/nonexistent")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from-standby: true");

        JobDefinition yes = new JobDefinition("standby", JobKind.BACKUP, null, Map.of("pgdata", "/srv/standby",
                "from-standby", "yes"));
        assertThatThrownBy(() -> BackupTask.request(yes, Map.of("HOME", "/nonexistent")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not true or false");
    }
}
