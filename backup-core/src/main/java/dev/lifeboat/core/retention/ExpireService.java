package dev.lifeboat.core.retention;

import dev.lifeboat.core.lock.ReadLeaseHolder;
import dev.lifeboat.core.lock.ReadLeases;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobInfo;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Carries out a retention plan in an order that a crash at any point cannot hurt: first the
 * manifests of expired backups, newest first (a backup stops existing before anything it
 * builds on does), then their data objects, then WAL below the oldest point a kept backup
 * needs, then old orphaned data. Whatever is left after a kill is either a listed backup with
 * all its data and WAL, or unlisted leftovers that the next expire removes.
 */
public final class ExpireService {

    private final Repository repository;
    private final KnownGoodBackups knownGood;
    private final Clock clock;
    private final Duration lockWait;

    public ExpireService(Repository repository, KnownGoodBackups knownGood, Clock clock) {
        this(repository, knownGood, clock, Duration.ZERO);
    }

    /** @param lockWait how long to wait for a backup, expire or replicate holding the repository's lock */
    public ExpireService(Repository repository, KnownGoodBackups knownGood, Clock clock, Duration lockWait) {
        this.repository = repository;
        this.knownGood = knownGood;
        this.clock = clock;
        this.lockWait = lockWait;
    }

    /**
     * Expires under the repository lock (taken here, refused with exit 14 while a backup,
     * expire or replicate holds it); a dry run removes nothing and takes no lock.
     */
    public ExpireResult run(ExpireRequest request) {
        if (request.dryRun()) {
            return run(request, null);
        }
        try (RepositoryLock lock = RepositoryLock.acquire(repository.store(), "expire", lockWait)) {
            return run(request, lock);
        }
    }

    /** As above, for a caller that took the lock itself (e.g. before recording the run). */
    public ExpireResult run(ExpireRequest request, RepositoryLock lock) {
        if (!request.dryRun() && lock == null) {
            throw new IllegalArgumentException("expire removes objects only under the repository lock");
        }
        long started = System.nanoTime();
        ReadLeases leases = new ReadLeases(repository.store());
        ReadLeases.Listing readers = leases.list();
        RetentionPlan plan = new RetentionPlanner(repository, knownGood, clock).plan(request.policy(), readers.live());
        List<RetentionPlan.BackupDecision> expired = plan.expired();
        List<String> notes = new ArrayList<>(plan.notes());
        if (lock != null && lock.tookOver() != null) {
            notes.add("took over the repository lock from " + lock.tookOver());
        }
        for (ReadLeases.Stale stale : readers.stale()) {
            boolean removed = !request.dryRun() && leases.remove(stale);
            notes.add((request.dryRun() ? "would remove" : removed ? "removed" : "could not remove") + " the stale read lease "
                    + stale.key() + " of " + stale.reader() + " (" + stale.why() + ")");
        }
        long[] data = new long[2];
        long walBytes = plan.walToRemove().stream().mapToLong(ArchivedWal::storedSize).sum();
        boolean leftForReaders = false;

        if (request.dryRun()) {
            for (RetentionPlan.BackupDecision b : expired) {
                count(RepositoryLayout.dataPrefix(b.id()), data, false);
            }
            plan.orphans().forEach(o -> {
                data[0] += o.objects();
                data[1] += o.bytes();
            });
        } else {
            lock.requireHeld();
            for (int i = expired.size() - 1; i >= 0; i--) {
                repository.backups().delete(expired.get(i).id());
            }
            Set<String> referenced = dataReferencedByListedBackups();
            Map<String, String> readMeanwhile = readSincePlanning(leases.list(), plan);
            for (RetentionPlan.BackupDecision b : expired) {
                if (referenced.contains(b.id())) {
                    notes.add("data of " + b.id() + " is still referenced by a kept backup and was left in place");
                    continue;
                }
                if (readMeanwhile.containsKey(b.id())) {
                    notes.add("data of " + b.id() + " was left in place: " + readMeanwhile.get(b.id())
                            + " began reading it while expire ran; a later expire removes it as orphaned data (--orphan-age)");
                    continue;
                }
                count(RepositoryLayout.dataPrefix(b.id()), data, true);
            }
            for (RetentionPlan.BackupDecision b : expired) {
                // The drills of a backup that no longer exists prove nothing any more.
                count(RepositoryLayout.drillPrefix(b.id()), new long[2], true);
            }
            leftForReaders = !readMeanwhile.isEmpty();
            if (leftForReaders) {
                // Planned without that reader: the WAL its backup needs may lie below the floor.
                notes.add("WAL and orphaned data were left in place because a backup being expired is being read");
                walBytes = 0;
            }
            for (ArchivedWal w : leftForReaders ? List.<ArchivedWal>of() : plan.walToRemove()) {
                repository.store().delete(w.key());
            }
            for (RetentionPlan.Orphan o : leftForReaders ? List.<RetentionPlan.Orphan>of() : plan.orphans()) {
                // A late manifest makes it a backup after all; a listed diff or incr may read its objects.
                if (!repository.backups().exists(o.backupId()) && !referenced.contains(o.backupId())) {
                    count(RepositoryLayout.dataPrefix(o.backupId()), data, true);
                }
            }
        }
        return new ExpireResult(repository.location(), request.dryRun(), plan.policy(), plan.backups(),
                expired.stream().map(RetentionPlan.BackupDecision::id).toList(), data[0], data[1],
                leftForReaders ? null : plan.walKeptFrom(), leftForReaders ? 0 : plan.walToRemove().size(), walBytes,
                leftForReaders ? List.of() : plan.orphans().stream().map(RetentionPlan.Orphan::backupId).toList(),
                List.copyOf(notes), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Expired backups that a reader began to read after the plan was made: each one a live
     * lease names, and every backup such a one builds on, with who reads it. Listed after
     * the manifests are gone: a reader takes its lease before it reads the manifest, so one
     * that found the manifest is seen here, and one that did not stops with "no backup".
     */
    private static Map<String, String> readSincePlanning(ReadLeases.Listing readers, RetentionPlan plan) {
        Map<String, String> parents = new HashMap<>();
        plan.backups().forEach(b -> parents.put(b.id(), b.parent()));
        Set<String> expired = new HashSet<>();
        plan.expired().forEach(b -> expired.add(b.id()));
        Map<String, String> read = new LinkedHashMap<>();
        for (ReadLeaseHolder reader : readers.live()) {
            Set<String> seen = new HashSet<>();
            for (String id = reader.backupId(); id != null && seen.add(id); id = parents.get(id)) {
                if (expired.contains(id)) {
                    read.putIfAbsent(id, reader.describe() + (id.equals(reader.backupId()) ? "" : " (reading " + reader.backupId()
                            + ", which builds on it)"));
                }
            }
        }
        return read;
    }

    /** Counts (and removes) the objects under a prefix. */
    private void count(String prefix, long[] totals, boolean delete) {
        List<BlobInfo> blobs;
        try (Stream<BlobInfo> listed = repository.store().list(prefix)) {
            blobs = listed.toList();
        }
        for (BlobInfo blob : blobs) {
            if (delete) {
                repository.store().delete(blob.key());
            }
            totals[0]++;
            totals[1] += blob.size();
        }
    }

    /**
     * Backup ids whose data objects a listed diff or incr reads. Read after the expired
     * manifests are gone, so that a diff or incr that a backup running right now lists
     * meanwhile protects what it reuses: data any listed manifest names is never removed.
     */
    private Set<String> dataReferencedByListedBackups() {
        Set<String> referenced = new HashSet<>();
        BackupCatalog.Listing listing = repository.backups().listing();
        List<BackupManifest> heads = new ArrayList<>(listing.intact());
        // A damaged backup whose manifest can still be read protects what it names, too.
        listing.damaged().stream().map(DamagedBackup::head).filter(Objects::nonNull).forEach(heads::add);
        for (BackupManifest head : heads) {
            if (head.type() == BackupType.FULL) {
                continue; // a full backup reads only its own objects
            }
            BackupManifest manifest = repository.backups().read(head.id());
            for (BackupManifest.File f : manifest.files()) {
                String owner = f.object() == null ? null : RepositoryLayout.backupIdOfDataObject(f.object());
                if (owner != null && !owner.equals(head.id())) {
                    referenced.add(owner);
                }
            }
        }
        return referenced;
    }
}
