package dev.lifeboat.core.lock;

import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.StorageException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The read leases of a repository, as expire (and info) sees them: the live ones, whose
 * backups must stay, and the stale ones (reader gone, by the repository lock's rule), which
 * protect nothing and may be removed.
 */
public final class ReadLeases {

    private final BlobStore store;
    private final Clock clock;
    private final Liveness liveness;

    public ReadLeases(BlobStore store) {
        this(store, Clock.systemUTC(), LocalProcesses.current());
    }

    ReadLeases(BlobStore store, Clock clock, LocalProcesses processes) {
        this.store = store;
        this.clock = clock;
        this.liveness = new Liveness(clock, processes);
    }

    /** A lease that protects nothing any more, and why. */
    public record Stale(String key, String reader, String why) {
    }

    /** Every lease there is, judged. */
    public record Listing(List<ReadLeaseHolder> live, List<Stale> stale) {

        /** Whether a live lease names this backup. */
        public boolean reads(String backupId) {
            return live.stream().anyMatch(r -> r.backupId().equals(backupId));
        }
    }

    public Listing list() {
        List<BlobInfo> blobs;
        try (Stream<BlobInfo> listed = store.list(RepositoryLayout.READ_LEASES_PREFIX)) {
            blobs = listed.filter(b -> b.key().endsWith(RepositoryLayout.READ_LEASE_SUFFIX)).toList();
        }
        List<ReadLeaseHolder> live = new ArrayList<>();
        List<Stale> stale = new ArrayList<>();
        for (BlobInfo blob : blobs) {
            Optional<ReadLeaseHolder> lease = Json.readIfPresent(store, blob.key(), ReadLeaseHolder.class);
            if (lease.isPresent() && lease.get().backupId() != null) {
                Optional<String> why = liveness.staleBecause(lease.get().asLockHolder());
                if (why.isEmpty()) {
                    live.add(lease.get());
                } else {
                    stale.add(new Stale(blob.key(), lease.get().describe(), why.get()));
                }
            } else if (store.stat(blob.key()).isPresent()) {
                // Puts are atomic: only a hand-damaged lease is unreadable. Judged by its age, as an unreadable lock is.
                Instant written = blob.lastModified() == null ? Instant.EPOCH : blob.lastModified();
                if (clock.instant().isAfter(written.plus(RepositoryLock.LEASE))) {
                    stale.add(new Stale(blob.key(), "an unreadable lease", "written more than " + RepositoryLock.LEASE.toSeconds() + " s ago"));
                } else {
                    live.add(new ReadLeaseHolder(0, "?", backupIdOf(blob.key()), "an unreadable lease", "?", -1, written, written,
                            written.plus(RepositoryLock.LEASE)));
                }
            }
        }
        return new Listing(List.copyOf(live), List.copyOf(stale));
    }

    /** Removes a stale lease (best effort: the next expire tries again). */
    public boolean remove(Stale stale) {
        try {
            store.delete(stale.key());
            return true;
        } catch (StorageException e) {
            return false;
        }
    }

    private static String backupIdOf(String key) {
        String name = key.substring(RepositoryLayout.READ_LEASES_PREFIX.length(), key.length() - RepositoryLayout.READ_LEASE_SUFFIX.length());
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
