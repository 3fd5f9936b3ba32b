package dev.lifeboat.core.lock;

import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * A restore, drill or verify saying "I am reading this backup": while it lives, expire keeps the
 * backup, the chain it builds on and the WAL from its start (see {@link ReadLeases}). It
 * excludes nobody: backups and other readers go on, which is why readers do not take the
 * repository lock (a drill of a big database takes hours).
 *
 * <p>The reader takes its lease BEFORE it reads the backup's manifest, and expire looks for
 * leases again after removing manifests and before removing data. So either the reader finds
 * the manifest gone (and stops with "no backup"), or expire sees its lease and leaves the
 * data in place. Renewed in the background like the repository lock; closing it removes it.
 * A reader killed on this host leaves a lease that is stale at once (its pid is gone); one on
 * another host, once the lease has run out.
 */
public final class ReadLease implements AutoCloseable {

    private final BlobStore store;
    private final String key;
    private final Clock clock;
    private final Duration lease;
    private final LeaseRenewal renewal;
    private final String unprotected;
    private volatile ReadLeaseHolder holder;
    private boolean closed;

    private ReadLease(BlobStore store, String key, ReadLeaseHolder holder, Clock clock, Duration lease, Duration renewEvery,
                      String unprotected) {
        this.store = store;
        this.key = key;
        this.holder = holder;
        this.clock = clock;
        this.lease = lease;
        this.unprotected = unprotected;
        this.renewal = unprotected == null ? new LeaseRenewal("lifeboat-read-lease-renewal", renewEvery, this::renewQuietly) : null;
    }

    /** Takes a read lease on {@code backupId} for {@code command} (restore, drill). */
    public static ReadLease take(BlobStore store, String backupId, String command) {
        return take(store, backupId, command, Clock.systemUTC(), LocalProcesses.current(), RepositoryLock.LEASE, RepositoryLock.RENEW_EVERY);
    }

    /**
     * As above. A store that refuses the write (read-only credentials, a read-only mount) does
     * not stop a restore during an incident: the reader goes on unprotected, and
     * {@link #unprotected()} says why.
     */
    static ReadLease take(BlobStore store, String backupId, String command, Clock clock, LocalProcesses processes, Duration lease,
                          Duration renewEvery) {
        String leaseId = UUID.randomUUID().toString().substring(0, 8);
        ReadLeaseHolder mine = new ReadLeaseHolder(ReadLeaseHolder.CURRENT_FORMAT, leaseId, backupId, command, processes.host(),
                processes.pid(), clock.instant(), clock.instant(), clock.instant().plus(lease));
        String key = RepositoryLayout.readLease(backupId, leaseId);
        RepositoryLock.markHeldHere(mine.asLockHolder());
        try {
            store.put(key, BlobContent.of(json(mine)), PutMode.CREATE_ONLY);
        } catch (StorageException e) {
            RepositoryLock.unmarkHeldHere(mine.asLockHolder());
            return new ReadLease(store, key, mine, clock, lease, renewEvery, "cannot write the read lease " + key + " ("
                    + e.getMessage() + "): an expire running meanwhile may remove backup " + backupId + " while it is read");
        }
        return new ReadLease(store, key, mine, clock, lease, renewEvery, null);
    }

    public String key() {
        return key;
    }

    public ReadLeaseHolder holder() {
        return holder;
    }

    /** Why the backup is read without protection from expire, or null when the lease is held. */
    public String unprotected() {
        return unprotected;
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            // the store may be back at the next renewal; on this host the lease stays live while we run
        }
    }

    private synchronized void renew() {
        if (closed) {
            return;
        }
        ReadLeaseHolder renewed = holder.renewed(clock.instant(), lease);
        store.put(key, BlobContent.of(json(renewed)), PutMode.REPLACE);
        holder = renewed;
    }

    /** Removes the lease (best effort: one left behind is stale once this process is gone). */
    @Override
    public void close() {
        if (renewal != null) {
            renewal.stopAndWait();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (unprotected != null) {
            return;
        }
        try {
            store.delete(key);
        } catch (StorageException e) {
            // left behind: stale once this process has exited, or its lease has run out
        } finally {
            RepositoryLock.unmarkHeldHere(holder.asLockHolder());
        }
    }

    static byte[] json(ReadLeaseHolder holder) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(holder);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a read lease", e);
        }
    }
}
