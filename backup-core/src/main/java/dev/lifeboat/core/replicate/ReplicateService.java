package dev.lifeboat.core.replicate;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.StoredObjectCheck;
import dev.lifeboat.core.repo.VerifiedObjectCopy;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.StorageException;

import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Copies what the source repository has and the target lacks: first the descriptor (when the
 * target is new), then the WAL, then each backup's data objects and, last, its manifest, so a
 * backup appears in the target only once everything it needs is there. Every object is checked
 * as it is copied ({@link VerifiedObjectCopy}): a corrupt source object is reported, never
 * copied. Objects already in the target are skipped, so a run that was killed is simply run
 * again, and a run with nothing to do copies nothing. Nothing in the target is ever replaced
 * or deleted, except data objects of a backup the target has no manifest for whose size
 * differs (leftovers of something else).
 *
 * <p>Encryption: the target is opened with its own key ({@code targetKeys}). Between two
 * repositories with the same data keyset, objects are copied as stored (ciphertext; an object's
 * associated data is its name, the same in both) and authenticated as they pass; otherwise they
 * are decrypted from the source's store and encrypted by the target's. A new target is encrypted
 * when the source is or when a target key is given; it gets the source's data keyset (wrapped
 * under the target key) or a new one, as the request says. A source descriptor is never copied
 * into an encrypted target: it would carry the source's wrapping.
 */
public final class ReplicateService {

    private final Repository source;
    private final BlobStore target;
    private final KeyEncryptionKeySource targetKeys;
    private final Duration lockWait;

    public ReplicateService(Repository source, BlobStore target) {
        this(source, target, Duration.ZERO);
    }

    /** @param lockWait how long to wait for a command holding the target's lock */
    public ReplicateService(Repository source, BlobStore target, Duration lockWait) {
        this(source, target, KeyEncryptionKeySource.none(), lockWait);
    }

    /**
     * @param targetKeys the target's key ({@link KeyEncryptionKeySource#none()} for a plain target);
     *                   callers pass the source's key when the user gave none for the target
     * @param lockWait   how long to wait for a command holding the target's lock
     */
    public ReplicateService(Repository source, BlobStore target, KeyEncryptionKeySource targetKeys, Duration lockWait) {
        this.source = source;
        this.target = target;
        this.targetKeys = targetKeys;
        this.lockWait = lockWait;
    }

    public ReplicateResult run(ReplicateRequest request) {
        long started = System.nanoTime();
        ProgressListener progress = request.progress();
        // The descriptor is created with CREATE_ONLY (a racing replicate or init is judged, never
        // overwritten), so it needs no lock; the lock itself is an object of the target and is
        // written through the target's encryption.
        boolean initialized = initializeTarget(request.newDataKey());
        // Not closed here: the target store is the caller's.
        Repository to = Repository.open(target, targetKeys);
        try (RepositoryLock lock = RepositoryLock.acquire(to.store(), "replicate", lockWait)) {
            if (lock.tookOver() != null) {
                progress.step("took over the lock of " + target.location() + " from " + lock.tookOver());
            }
            return copyUnderLock(to, initialized, request, progress, started, lock);
        }
    }

    private ReplicateResult copyUnderLock(Repository to, boolean initialized, ReplicateRequest request, ProgressListener progress,
                                          long started, RepositoryLock lock) {
        requireSameCluster(to);
        Copier copier = new Copier(Math.max(1, request.jobs()), sharedKeyset(to));
        try {
            progress.step("copying WAL from " + source.location() + " to " + to.location());
            long[] wal = copyWal(to, copier, progress);
            lock.requireHeld();
            int[] backups = copyBackups(to, copier, progress);
            return new ReplicateResult(source.location(), to.location(), initialized, wal[0], wal[1], backups[0], backups[1],
                    copier.objects.get(), copier.bytes.get(), List.copyOf(copier.problems),
                    Duration.ofNanos(System.nanoTime() - started), transfer(to), copier.asCiphertext.get());
        } finally {
            copier.close();
        }
    }

    /**
     * Gives a target without a descriptor one; true when it did. A plain copy of a plain source
     * gets the source's descriptor as stored; an encrypted target (the source is encrypted, or a
     * target key is given) gets a descriptor of its own whose data keyset is wrapped under the
     * target key.
     */
    private boolean initializeTarget(ReplicateRequest.NewDataKey newDataKey) {
        if (target.stat(RepositoryLayout.DESCRIPTOR).isPresent()) {
            return false;
        }
        boolean encrypt = source.descriptor().encrypted() || targetKeys != KeyEncryptionKeySource.none();
        if (!encrypt) {
            BlobInfo descriptor = source.store().stat(RepositoryLayout.DESCRIPTOR).orElseThrow(() -> new LifeboatException(
                    ErrorCode.REPOSITORY, "no Lifeboat repository at " + source.location(), "check --from"));
            return VerifiedObjectCopy.copy(source.store(), target, RepositoryLayout.DESCRIPTOR, descriptor.size(),
                    StoredObjectCheck.descriptor()) == VerifiedObjectCopy.Outcome.COPIED;
        }
        if (targetKeys == KeyEncryptionKeySource.none()) {
            throw new LifeboatException(ErrorCode.KEY, "replicate would create " + target.location()
                    + " encrypted, like " + source.location() + ", but no key for it was given",
                    "give the target's key (--to-key-file or --to-passphrase-command), or the source's key to share it");
        }
        RepositoryDescriptor ours = source.descriptor();
        String systemIdentifier = ours.systemIdentifier();
        WrappedKeyset keyset = newDataKey == ReplicateRequest.NewDataKey.SAME && source.dataKeyset().isPresent()
                ? WrappedKeyset.wrap(source.dataKeyset().get(), targetKeys, systemIdentifier, target.location())
                : WrappedKeyset.create(targetKeys, systemIdentifier, target.location());
        RepositoryDescriptor wanted = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, systemIdentifier, ours.pgMajor(),
                ours.pgVersion(), ours.walSegmentSize(), ours.compression(), DataKeyset.ALGORITHM, Instant.now(), ours.createdBy(),
                keyset);
        boolean existed = target.stat(RepositoryLayout.DESCRIPTOR).isPresent();
        Repository.initialize(target, wanted, targetKeys);
        return !existed;
    }

    /** The data keyset both repositories share, when they do: their objects are then copied as stored. */
    private Optional<DataKeyset> sharedKeyset(Repository to) {
        Optional<DataKeyset> ours = source.dataKeyset();
        Optional<DataKeyset> theirs = to.dataKeyset();
        if (ours.isPresent() && theirs.isPresent() && ours.get().sameKeysAs(theirs.get())) {
            return ours;
        }
        return Optional.empty();
    }

    private ReplicateResult.Transfer transfer(Repository to) {
        if (sharedKeyset(to).isPresent()) {
            return ReplicateResult.Transfer.CIPHERTEXT;
        }
        boolean fromEncrypted = source.descriptor().encrypted();
        boolean toEncrypted = to.descriptor().encrypted();
        if (fromEncrypted && toEncrypted) {
            return ReplicateResult.Transfer.REENCRYPTED;
        }
        if (fromEncrypted || toEncrypted) {
            return toEncrypted ? ReplicateResult.Transfer.ENCRYPTED : ReplicateResult.Transfer.DECRYPTED;
        }
        return ReplicateResult.Transfer.PLAIN;
    }

    private void requireSameCluster(Repository to) {
        RepositoryDescriptor ours = source.descriptor();
        RepositoryDescriptor theirs = to.descriptor();
        if (!ours.systemIdentifier().equals(theirs.systemIdentifier()) || ours.walSegmentSize() != theirs.walSegmentSize()
                || ours.pgMajor() != theirs.pgMajor()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + to.location() + " belongs to cluster "
                    + theirs.systemIdentifier() + " (PostgreSQL " + theirs.pgMajor() + "), not to the cluster of "
                    + source.location() + " (" + ours.systemIdentifier() + ", PostgreSQL " + ours.pgMajor() + ")",
                    "replicate only between repositories of the same cluster; pick another --to");
        }
    }

    /**
     * Walks both WAL listings side by side (both come in key order, so memory stays flat
     * however long the archive) and copies what only the source has. Returns {copied, present}.
     */
    private long[] copyWal(Repository to, Copier copier, ProgressListener progress) {
        AtomicLong copied = new AtomicLong();
        long present = 0;
        try (Stream<ArchivedWal> ours = source.wal().list(null); Stream<ArchivedWal> theirs = to.wal().list(null)) {
            Iterator<ArchivedWal> a = ours.iterator();
            Iterator<ArchivedWal> b = theirs.iterator();
            ArchivedWal before = null;
            ArchivedWal other = b.hasNext() ? b.next() : null;
            while (a.hasNext()) {
                ArchivedWal wal = a.next();
                while (other != null && other.key().compareTo(wal.key()) < 0) {
                    before = other;
                    other = b.hasNext() ? b.next() : null;
                }
                if (other != null && other.key().equals(wal.key())) {
                    present++;
                    continue;
                }
                // Same name, other content: the target's copies of that name sort right around this key.
                Optional<ArchivedWal> clash = Stream.of(before, other)
                        .filter(w -> w != null && w.fileName().equals(wal.fileName())).findFirst();
                if (clash.isPresent()) {
                    copier.problem(wal.fileName(), ErrorCode.CONFLICT, "WAL file " + wal.fileName() + " is in " + to.location()
                            + " with different content (SHA-256 " + clash.get().sha256().substring(0, 12) + "…, the source's "
                            + wal.sha256().substring(0, 12) + "…); not copied");
                    continue;
                }
                copier.submit(wal.fileName(), () -> {
                    copier.copy(to, wal.key(), wal.storedSize(), StoredObjectCheck.wal(source.codec(), wal, source.descriptor()));
                    progress.advance("WAL files", copied.incrementAndGet(), -1);
                });
            }
        }
        copier.awaitAll();
        return new long[]{copied.get(), present};
    }

    /** Returns {copied, present}. */
    private int[] copyBackups(Repository to, Copier copier, ProgressListener progress) {
        int copied = 0;
        int present = 0;
        BackupCatalog.Listing listing = source.backups().listing();
        for (DamagedBackup damaged : listing.damaged()) {
            if (!to.backups().exists(damaged.id())) {
                // Said, not skipped in silence: the operator must learn that this region lacks it.
                copier.problem(damaged.id(), ErrorCode.CORRUPT, "backup " + damaged.id() + " is damaged in " + source.location()
                        + " (" + damaged.reason() + ") and was not copied");
            }
        }
        for (BackupManifest head : listing.intact()) {
            if (to.backups().exists(head.id())) {
                present++;
                continue;
            }
            progress.step("copying backup " + head.id());
            if (copyBackup(to, head.id(), copier)) {
                copied++;
            }
        }
        return new int[]{copied, present};
    }

    private boolean copyBackup(Repository to, String backupId, Copier copier) {
        BackupManifest manifest;
        try {
            manifest = source.backups().read(backupId);
        } catch (LifeboatException | StorageException e) {
            copier.problem(backupId, e);
            return false;
        }
        Map<String, BlobInfo> theirs = new HashMap<>();
        try (Stream<BlobInfo> objects = to.store().list(RepositoryLayout.dataPrefix(backupId))) {
            objects.forEach(o -> theirs.put(o.key(), o));
        }
        int problemsBefore = copier.problems.size();
        try (Stream<BlobInfo> objects = source.store().list(RepositoryLayout.dataPrefix(backupId))) {
            objects.forEach(object -> {
                BlobInfo existing = theirs.get(object.key());
                if (existing != null && existing.size() == object.size()) {
                    return; // copied by an earlier run (puts are atomic, so it is whole)
                }
                copier.submit(object.key(), () -> {
                    if (existing != null) {
                        to.store().delete(object.key()); // a leftover of something else, never part of a backup here
                    }
                    copier.copy(to, object.key(), object.size(),
                            StoredObjectCheck.dataObject(source.codec(), object.key(), manifest.files()));
                });
            });
        }
        copier.awaitAll();
        if (copier.problems.size() > problemsBefore) {
            copier.problem(backupId, ErrorCode.STORAGE, "backup " + backupId + " not copied: some of its objects failed");
            return false;
        }
        Optional<String> missingWal = firstMissingWal(to, manifest);
        if (missingWal.isPresent()) {
            copier.problem(backupId, ErrorCode.REPOSITORY, "backup " + backupId + " not copied: WAL file " + missingWal.get()
                    + " it needs is in neither repository");
            return false;
        }
        String key = RepositoryLayout.manifest(backupId);
        try {
            BlobInfo info = source.store().stat(key).orElseThrow(() -> StorageException.notFound(source.location(), key));
            copier.copy(to, key, info.size(), StoredObjectCheck.manifest(source.codec(), key));
            return true;
        } catch (LifeboatException | StorageException e) {
            copier.problem(backupId, e);
            return false;
        }
    }

    /** The first WAL segment from the backup's start to its end that the target lacks. */
    private Optional<String> firstMissingWal(Repository to, BackupManifest manifest) {
        WalSegmentSize size = new WalSegmentSize(manifest.walSegmentSize());
        WalSegmentName end = WalSegmentName.parse(manifest.stopWalFile(), size);
        for (WalSegmentName s = WalSegmentName.parse(manifest.startWalFile(), size); s.segmentNumber() <= end.segmentNumber();
             s = s.next()) {
            if (to.wal().find(s.fileName()).isEmpty()) {
                return Optional.of(s.fileName());
            }
        }
        return Optional.empty();
    }

    /** Runs copies on a few threads, holding at most a few tasks in waiting, and collects what failed. */
    private final class Copier implements AutoCloseable {
        private final ExecutorService pool;
        private final Semaphore slots;
        private final List<Future<?>> pending = new ArrayList<>();
        private final List<ReplicateResult.Problem> problems = Collections.synchronizedList(new ArrayList<>());
        private final AtomicLong objects = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong asCiphertext = new AtomicLong();
        private final Optional<DataKeyset> sharedKeyset;

        Copier(int jobs, Optional<DataKeyset> sharedKeyset) {
            this.sharedKeyset = sharedKeyset;
            this.pool = Executors.newFixedThreadPool(jobs, task -> {
                Thread thread = new Thread(task, "lifeboat-replicate");
                thread.setDaemon(true);
                return thread;
            });
            this.slots = new Semaphore(jobs * 2);
        }

        void copy(Repository to, String key, long size, StoredObjectCheck check) {
            if (sharedKeyset.isPresent()) {
                copyCiphertext(to, key, check, sharedKeyset.get());
                return;
            }
            if (VerifiedObjectCopy.copy(source.store(), to.store(), key, size, check) == VerifiedObjectCopy.Outcome.COPIED) {
                objects.incrementAndGet();
                bytes.addAndGet(size);
            }
        }

        /**
         * Copies the object's ciphertext as stored, while its plaintext is authenticated (to its
         * last segment, so a truncated or altered tail is caught) and checked like any copy.
         */
        private void copyCiphertext(Repository to, String key, StoredObjectCheck check, DataKeyset keyset) {
            long storedSize = source.storedBytes().stat(key)
                    .orElseThrow(() -> StorageException.notFound(source.location(), key)).size();
            StoredObjectCheck authenticated = ciphertext -> {
                try (InputStream plain = keyset.authenticated(ciphertext, key, source.location())) {
                    check.check(new FilterInputStream(plain) {
                        @Override
                        public void close() {
                            // the rest is read below: authentication needs every segment
                        }
                    });
                    plain.transferTo(OutputStream.nullOutputStream());
                }
            };
            if (VerifiedObjectCopy.copy(source.storedBytes(), to.storedBytes(), key, storedSize, authenticated)
                    == VerifiedObjectCopy.Outcome.COPIED) {
                objects.incrementAndGet();
                asCiphertext.incrementAndGet();
                bytes.addAndGet(storedSize);
            }
        }

        void submit(String what, Runnable copy) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERNAL, "interrupted", null, e);
            }
            synchronized (pending) {
                if (pending.size() >= 1024) {
                    pending.removeIf(Future::isDone); // their failures are already recorded
                }
                pending.add(pool.submit(() -> {
                    try {
                        copy.run();
                    } catch (LifeboatException | StorageException e) {
                        problem(what, e);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }

        void awaitAll() {
            List<Future<?>> all;
            synchronized (pending) {
                all = new ArrayList<>(pending);
                pending.clear();
            }
            for (Future<?> future : all) {
                try {
                    future.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LifeboatException(ErrorCode.INTERNAL, "interrupted", null, e);
                } catch (java.util.concurrent.ExecutionException e) {
                    problem("?", ErrorCode.INTERNAL, String.valueOf(e.getCause()));
                }
            }
        }

        void problem(String what, RuntimeException e) {
            ErrorCode code = e instanceof LifeboatException le ? le.code() : ErrorCode.STORAGE;
            problem(what, code, StorageException.oneLine(e));
        }

        void problem(String what, ErrorCode code, String message) {
            problems.add(new ReplicateResult.Problem(what, code, message));
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }
}
