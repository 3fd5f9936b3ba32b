package dev.lifeboat.core.lock;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lock of one repository, held by the backup, expire or replicate working on it, so that
 * no two of them run at once (see {@link LockTaker} for how it is taken). While held, its
 * lease is renewed in the background; closing it removes the lock object. A process that dies
 * leaves it behind, and the next command takes it over: at once on the same host (the pid is
 * gone), from another host once the lease has run out.
 *
 * <p>Which commands take it, and why they exclude each other:
 * <ul>
 * <li>backup: two backups of one cluster at once only compete for I/O, and an incremental
 *     one could build on a backup that is not finished;</li>
 * <li>expire: it must not remove the parent or the WAL a running backup needs, nor what a
 *     replicate is copying into this repository;</li>
 * <li>replicate: takes the lock of the target repository, which it writes. It only reads
 *     the source, so backups keep running there.</li>
 * </ul>
 * wal-push and wal-fetch never take it: archiving must not stop for a backup. Read-only
 * commands (info, verify, restore, drill) do not either; verify, restore and drill protect the backup
 * they read from expire with a {@link ReadLease} instead, which blocks nothing.
 */
public final class RepositoryLock implements AutoCloseable {

    /** The one lock a repository has today. */
    public static final String NAME = "repository";
    /** How long a holder on another host counts as alive without renewing. */
    public static final Duration LEASE = Duration.ofMinutes(2);
    /** Renewing four times per lease: one or two slow store requests do not lose it. */
    public static final Duration RENEW_EVERY = Duration.ofSeconds(30);

    /** Locks held in this JVM (by lock id): a lock of this pid not listed here is a leftover. */
    private static final Set<String> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final BlobStore store;
    private final String key;
    private final String tookOver;
    private final Clock clock;
    private final Duration lease;
    private final LockTaker taker;
    private final LeaseRenewal renewal;
    private volatile LockHolder holder;
    private volatile boolean lost;
    private boolean closed;

    RepositoryLock(BlobStore store, String key, LockHolder holder, String tookOver, Clock clock, Duration lease, Duration renewEvery,
                   LockTaker taker) {
        this.store = store;
        this.key = key;
        this.holder = holder;
        this.tookOver = tookOver;
        this.clock = clock;
        this.lease = lease;
        this.taker = taker;
        this.renewal = new LeaseRenewal("lifeboat-lock-renewal", renewEvery, this::renewQuietly);
    }

    /**
     * Takes the lock of the repository in {@code store} for {@code command}, or fails at once
     * with {@link ErrorCode#LOCKED} naming the holder: commands fail fast by default, since a
     * cron run that waits piles up behind a long backup; the next run, or the operator, tries
     * again (or asks to wait with --lock-wait).
     */
    public static RepositoryLock acquire(BlobStore store, String command) {
        return acquire(store, command, Duration.ZERO);
    }

    /** As above, waiting at most {@code wait} for the holder to finish (scheduled jobs, --lock-wait). */
    public static RepositoryLock acquire(BlobStore store, String command, Duration wait) {
        return new LockTaker(store, NAME, Clock.systemUTC(), LocalProcesses.current(), LEASE, RENEW_EVERY).acquire(command, wait);
    }

    /** The lock object's key, for messages. */
    public String key() {
        return key;
    }

    public LockHolder holder() {
        return holder;
    }

    /** When the lock was taken over from a holder that was gone: who it was and why it counted as gone; else null. */
    public String tookOver() {
        return tookOver;
    }

    /**
     * Makes sure the lock is still ours right before a step another command must not
     * interleave with (removing objects, writing a manifest); the lease goes on being renewed
     * in the background. Fails with {@link ErrorCode#LOCKED} when another command took it
     * over (our lease ran out, e.g. while the store was unreachable).
     */
    public void requireHeld() {
        if (lost || !taker.stillHeld(key, holder)) {
            lost = true;
            String successor = taker.otherLiveHolder(holder.generation())
                    .map(h -> h.command() + " (" + LockTaker.describe(h) + ")").orElse("another command");
            throw new LifeboatException(ErrorCode.LOCKED, "the lock " + key + " of repository " + store.location() + " was taken over by "
                    + successor + " while this " + holder.command() + " ran (its lease was not renewed in time)",
                    "check that the store was reachable, then run " + holder.command() + " again");
        }
    }

    private void renewQuietly() {
        try {
            if (!taker.stillHeld(key, holder)) {
                lost = true;
                renewal.stop();
                return;
            }
            renew();
            if (!taker.stillHeld(key, holder)) {
                // taken over between the check and the renewal: our object came back beside the winner's
                lost = true;
                renewal.stop();
                removeOwnObject();
            }
        } catch (RuntimeException e) {
            // the store may be back at the next renewal; requireHeld() tells whether it still is ours
        }
    }

    private synchronized void renew() {
        if (closed) {
            return;
        }
        LockHolder renewed = holder.renewed(clock.instant(), lease);
        store.put(key, BlobContent.of(LockTaker.json(renewed)), PutMode.REPLACE);
        holder = renewed;
    }

    /** Removes the lock object (best effort: a lock left behind is taken over later). */
    @Override
    public void close() {
        renewal.stopAndWait();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            removeOwnObject();
        } catch (StorageException e) {
            // left behind: stale once this process has exited (same host) or its lease has run out
        } finally {
            unmarkHeldHere(holder);
        }
    }

    /** Only while it still names us: the key is ours, but never remove what another holder wrote. */
    private void removeOwnObject() {
        if (taker.read(key).map(h -> h.lockId().equals(holder.lockId())).orElse(false)) {
            store.delete(key);
        }
    }

    static void markHeldHere(LockHolder holder) {
        HELD_HERE.add(holder.lockId());
    }

    static void unmarkHeldHere(LockHolder holder) {
        HELD_HERE.remove(holder.lockId());
    }

    static boolean heldHere(LockHolder holder) {
        return HELD_HERE.contains(holder.lockId());
    }
}
