package dev.lifeboat.core.lock;

import java.time.Duration;
import java.time.Instant;

/**
 * What a lock object in the repository says about the command holding it. Written by the
 * holder only: CREATE_ONLY when it takes the lock, then replaced by itself to renew the lease;
 * removed by itself when it is done, or by the next holder once it is stale.
 *
 * @param lockId     random, tells this holding apart from any other by the same process
 * @param command    backup, expire or replicate
 * @param host       the holder's host name
 * @param pid        the holder's process id on that host
 * @param startedAt  when it took the lock (its process started no later)
 * @param leaseUntil the holder renews this while it runs; once past, any host may take over
 */
public record LockHolder(
        int format,
        long generation,
        String lockId,
        String command,
        String host,
        long pid,
        Instant startedAt,
        Instant renewedAt,
        Instant leaseUntil) {

    public static final int CURRENT_FORMAT = 1;

    LockHolder renewed(Instant now, Duration lease) {
        return new LockHolder(format, generation, lockId, command, host, pid, startedAt, now, now.plus(lease));
    }

    boolean leaseExpired(Instant now) {
        return leaseUntil == null || now.isAfter(leaseUntil);
    }
}
