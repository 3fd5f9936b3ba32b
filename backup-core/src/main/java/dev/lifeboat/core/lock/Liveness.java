package dev.lifeboat.core.lock;

import dev.lifeboat.core.jobs.LocalProcesses;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Whether the process a lock or read lease names still works: on this host its pid must be
 * alive and not reused; a process on another host cannot be asked, so it counts as alive
 * until its lease has run out (it renews the lease while it runs).
 */
final class Liveness {

    static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final Duration START_TIME_SLACK = Duration.ofSeconds(2);

    private final Clock clock;
    private final LocalProcesses processes;

    Liveness(Clock clock, LocalProcesses processes) {
        this.clock = clock;
        this.processes = processes;
    }

    /** Why a holder no longer holds what it took, or empty while it does. */
    Optional<String> staleBecause(LockHolder holder) {
        Instant now = clock.instant();
        if (processes.host().equals(holder.host())) {
            if (holder.pid() == processes.pid()) {
                return RepositoryLock.heldHere(holder) ? Optional.empty()
                        : Optional.of("this process does not hold it; a leftover of an earlier process with the same pid");
            }
            // Process start times are known to about a second (boot time in whole seconds): a
            // pid whose process started well after the lock was taken is a reused one.
            if (holder.startedAt() == null || !processes.alive(holder.pid(), holder.startedAt().plus(START_TIME_SLACK))) {
                return Optional.of("process " + holder.pid() + " is gone from this host");
            }
            return Optional.empty(); // alive here: its lease may lag (a store outage), but it still works
        }
        if (holder.leaseExpired(now)) {
            return Optional.of("its lease expired at " + SHOWN.format(holder.leaseUntil() == null ? Instant.EPOCH : holder.leaseUntil()));
        }
        return Optional.empty();
    }
}
