package dev.lifeboat.core.pg;

import java.time.Duration;
import java.time.Instant;

/**
 * One step of a server start, as {@link PgInstance#awaitOpenForWrites} saw it.
 *
 * @param phase the phase reached
 * @param at when it was seen
 * @param elapsed how long after {@link PgInstance#start} it was seen
 * @param lastReplayedLsn the last WAL position replayed (e.g. "0/3000060") when known during
 *     recovery, else null
 */
public record StartupProgress(StartupPhase phase, Instant at, Duration elapsed, String lastReplayedLsn) {

    @Override
    public String toString() {
        return String.format("%s after %.1f s%s", phase, elapsed.toMillis() / 1000.0,
                lastReplayedLsn == null ? "" : " (replayed up to " + lastReplayedLsn + ")");
    }
}
