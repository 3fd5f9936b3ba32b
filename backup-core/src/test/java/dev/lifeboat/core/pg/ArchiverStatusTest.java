package dev.lifeboat.core.pg;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** pg_stat_archiver keeps its last failure forever: only a failure during the command, not since mended, is news. */
class ArchiverStatusTest {

    private static final Instant START = Instant.parse("2026-12-03T08:00:00Z");

    @Test
    void aFailureFromBeforeTheCommandIsNotBlamed() {
        assertThat(status(null, START.minusSeconds(3600)).failingSince(START)).isFalse();
    }

    @Test
    void aFailureDuringTheCommandIsBlamed() {
        assertThat(status(null, START.plusSeconds(5)).failingSince(START)).isTrue();
        assertThat(status(START.plusSeconds(1), START.plusSeconds(5)).failingSince(START)).isTrue();
    }

    @Test
    void aFailureSinceMendedIsNotBlamed() {
        assertThat(status(START.plusSeconds(9), START.plusSeconds(5)).failingSince(START)).isFalse();
    }

    private static ClusterSession.ArchiverStatus status(Instant lastArchived, Instant lastFailed) {
        return new ClusterSession.ArchiverStatus(lastArchived == null ? 0 : 1, lastArchived == null ? null : "000000010000000000000003",
                lastArchived, 1, "000000010000000000000002", lastFailed);
    }
}
