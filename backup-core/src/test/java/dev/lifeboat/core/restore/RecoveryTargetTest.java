package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryTargetTest {

    @Test
    void readsTimesInTheFormsOperatorsTypeThem() {
        Instant expected = Instant.parse("2026-11-20T14:03:00Z");
        assertThat(RecoveryTarget.parseTime("2026-11-20 14:03:00+00").time()).isEqualTo(expected);
        assertThat(RecoveryTarget.parseTime("2026-11-20 14:03:00+00:00").time()).isEqualTo(expected);
        assertThat(RecoveryTarget.parseTime("2026-11-20T14:03:00Z").time()).isEqualTo(expected);
        assertThat(RecoveryTarget.parseTime("2026-11-20 15:03:00+01").time()).isEqualTo(expected);
        assertThat(RecoveryTarget.parseTime("2026-11-20 19:33+05:30").time()).isEqualTo(expected);
        assertThat(RecoveryTarget.parseTime("2026-11-20 14:03:00.123456+00").time())
                .isEqualTo(Instant.parse("2026-11-20T14:03:00.123456Z"));
    }

    @Test
    void refusesATimeWithoutAZone() {
        assertThatThrownBy(() -> RecoveryTarget.parseTime("2026-11-20 14:03:00"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).contains("time zone");
                });
    }

    @Test
    void writesTimesAsPostgresReadsThemBack() {
        Instant t = Instant.parse("2026-11-20T14:03:00.120Z");
        String text = RecoveryTarget.formatForPostgres(t);
        assertThat(text).isEqualTo("2026-11-20 14:03:00.12+00:00");
        assertThat(RecoveryTarget.parseTime(text).time()).isEqualTo(t);
    }

    @Test
    void readsOtherTargetKinds() {
        assertThat(RecoveryTarget.parseLsn("0/3000060").lsn().value()).isEqualTo(0x3000060L);
        assertThat(RecoveryTarget.parseXid("1234").xid()).isEqualTo(1234L);
        assertThat(RecoveryTarget.parseKeyword("latest")).isInstanceOf(RecoveryTarget.Latest.class);
        assertThat(RecoveryTarget.parseKeyword("IMMEDIATE")).isInstanceOf(RecoveryTarget.Immediate.class);
        assertThatThrownBy(() -> RecoveryTarget.parseKeyword("yesterday")).hasMessageContaining("yesterday");
        assertThatThrownBy(() -> RecoveryTarget.parseLsn("3000060")).hasMessageContaining("3000060");
        assertThatThrownBy(() -> RecoveryTarget.parseXid("-5")).hasMessageContaining("-5");
    }
}
