package dev.lifeboat.core.backup;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ConnectionSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandbyBackupRequestTest {

    private static final ConnectionSettings STANDBY = ConnectionSettings.local(5433);

    @Test
    void aPrimaryToSwitchWalIsOnlyForABackupFromAStandby() {
        assertThatThrownBy(() -> BackupRequest.builder(Path.of("/srv/standby"), STANDBY).primary(STANDBY.atServer(null, 5432)).build())
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("--from-standby");

        BackupRequest request = BackupRequest.builder(Path.of("/srv/standby"), STANDBY).fromStandby(true)
                .primary(STANDBY.atServer(null, 5432)).build();
        assertThat(request.fromStandby()).isTrue();
        assertThat(request.primary().port()).isEqualTo(5432);
        assertThat(BackupRequest.builder(Path.of("/srv/pg"), STANDBY).build().fromStandby()).as("the default").isFalse();
    }

    @Test
    void theWalTimeoutHintOfAStandbyBackupPointsAtThePrimary() {
        assertThat(ArchiveWait.hint(true, false)).contains("--primary-port").contains("archive_timeout on the primary")
                .contains("archive_mode = always");
        assertThat(ArchiveWait.hint(true, true)).doesNotContain("--primary-port").contains("primary's archive_command");
        assertThat(ArchiveWait.hint(false, false)).doesNotContain("standby").contains("check archive_command");
    }
}
