package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupLabelTest {

    /** As pg_backup_stop returns it on a standby that follows timeline 3. */
    private static final String STANDBY_LABEL = """
            START WAL LOCATION: 0/5000028 (file 000000030000000000000005)
            CHECKPOINT LOCATION: 0/5000060
            BACKUP METHOD: streamed
            BACKUP FROM: standby
            START TIME: 2026-12-03 20:01:02 UTC
            LABEL: lifeboat 20261203-200102F
            START TIMELINE: 3
            """;

    @Test
    void theTimelineAndFirstSegmentOfABackupOnAStandbyAreTheStandbys() {
        assertThat(BackupLabel.startTimeline(STANDBY_LABEL)).isEqualTo(3);
        assertThat(BackupLabel.startWalFile(STANDBY_LABEL)).isEqualTo("000000030000000000000005");
        assertThat(BackupLabel.takenOnStandby(STANDBY_LABEL)).isTrue();
        assertThat(BackupLabel.takenOnStandby(STANDBY_LABEL.replace("BACKUP FROM: standby", "BACKUP FROM: primary"))).isFalse();
    }

    @Test
    void aLabelWithoutATimelineIsAPostgresProblemNamingTheLine() {
        assertThatThrownBy(() -> BackupLabel.startTimeline("START WAL LOCATION: 0/5000028 (file 000000030000000000000005)\n"))
                .isInstanceOf(LifeboatException.class).hasMessageContaining("no START TIMELINE line");
    }
}
