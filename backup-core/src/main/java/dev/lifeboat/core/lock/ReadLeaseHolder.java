package dev.lifeboat.core.lock;

import java.time.Duration;
import java.time.Instant;

/**
 * What a read lease in the repository says: which backup a restore or drill is reading, and
 * who it is, told as a lock holder tells it, so that the lock's rule decides when it is stale.
 * Written by the reader only: CREATE_ONLY when it starts, replaced by itself to renew the
 * lease, removed by itself when done, or by an expire once it is stale.
 *
 * @param leaseId  random, tells this lease apart from any other on the same backup
 * @param backupId the backup read; expire keeps it and the chain it builds on
 * @param command  restore or drill
 */
public record ReadLeaseHolder(
        int format,
        String leaseId,
        String backupId,
        String command,
        String host,
        long pid,
        Instant startedAt,
        Instant renewedAt,
        Instant leaseUntil) {

    public static final int CURRENT_FORMAT = 1;

    ReadLeaseHolder renewed(Instant now, Duration lease) {
        return new ReadLeaseHolder(format, leaseId, backupId, command, host, pid, startedAt, now, now.plus(lease));
    }

    /** As a lock holder, to be judged by the same rule. */
    LockHolder asLockHolder() {
        return new LockHolder(format, 0, leaseId, command, host, pid, startedAt, renewedAt, leaseUntil);
    }

    /** "restore, pid 1234 on host db1 since 2026-12-03 10:00:00 UTC", for expire's reasons and notes. */
    public String describe() {
        return command + ", " + LockTaker.describe(asLockHolder());
    }
}
