package dev.lifeboat.core.verify;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.archive.ArchivedSegmentCheck;
import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.ReadLease;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DataObjectReader;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.verify.VerifyResult.Kind;
import dev.lifeboat.core.verify.VerifyResult.Problem;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every object of a backup from the repository without restoring it: each data file
 * checked against its recorded size and SHA-256 (each object read once, front to back), the
 * parent chain of an incremental backup, and the WAL from the backup's start to its end (the
 * WAL it needs to become consistent) and on to the end of the archive on its timeline (the WAL
 * a point-in-time restore replays), each segment against the SHA-256 in its key and against
 * its name ({@link ArchivedSegmentCheck}: an object holding another segment's WAL is damaged). Every
 * damaged or missing object is reported by name; nothing stops at the first one. Writes
 * nothing.
 */
public final class VerifyService {

    private final Repository repository;
    private final ArchivedSegmentCheck segmentCheck;

    public VerifyService(Repository repository) {
        this.repository = repository;
        this.segmentCheck = new ArchivedSegmentCheck(repository);
    }

    public VerifyResult run(VerifyRequest request) {
        long started = System.nanoTime();
        Deque<String> queue = new ArrayDeque<>(backupIds(request.backupId()));
        Set<String> seen = new HashSet<>(queue);
        Set<String> walChecked = Collections.synchronizedSet(new HashSet<>());
        WalInventory wal = WalInventory.load(repository);
        List<VerifyResult.Backup> backups = new ArrayList<>();
        List<Problem> problems = Collections.synchronizedList(new ArrayList<>());
        Totals all = new Totals();
        while (!queue.isEmpty()) {
            String id = queue.poll();
            request.progress().step("verifying backup " + id);
            Totals totals = new Totals();
            int before = problems.size();
            // Leased before its manifest is read: an expire running meanwhile keeps what is being read.
            try (ReadLease lease = ReadLease.take(repository.store(), id, "verify")) {
                BackupManifest manifest = readManifest(id, problems);
                if (manifest != null) {
                    String parent = parentOf(manifest, problems);
                    if (parent != null && seen.add(parent)) {
                        queue.add(parent);
                    }
                    verifyData(manifest, request, totals, problems);
                    verifyWal(manifest, wal, walChecked, totals, problems);
                }
            }
            int found = problems.size() - before;
            backups.add(new VerifyResult.Backup(id, found == 0, totals.objects.get(), totals.files.get(), totals.bytes.get(),
                    totals.walFiles.get(), found));
            all.add(totals);
        }
        return new VerifyResult(repository.location(), backups, all.objects.get(), all.files.get(), all.bytes.get(),
                all.walFiles.get(), List.copyOf(problems), Duration.ofNanos(System.nanoTime() - started));
    }

    private List<String> backupIds(String backupId) {
        if (backupId != null) {
            if (!repository.backups().exists(backupId)) {
                throw new LifeboatException(ErrorCode.REPOSITORY, "no backup " + backupId + " in " + repository.location(),
                        "list the backups with 'lifeboat info --repo " + repository.location() + "'");
            }
            return List.of(backupId);
        }
        // Damaged backups too: each gets its own problem line, and the others are still read.
        BackupCatalog.Listing listing = repository.backups().listing();
        List<String> ids = new ArrayList<>(listing.intact().stream().map(BackupManifest::id).toList());
        listing.damaged().forEach(d -> ids.add(d.id()));
        if (ids.isEmpty()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + repository.location() + " holds no backup",
                    "take one with 'lifeboat backup --repo " + repository.location() + " --pgdata <data directory>'");
        }
        return ids;
    }

    private BackupManifest readManifest(String id, List<Problem> problems) {
        try {
            return repository.backups().read(id);
        } catch (LifeboatException e) {
            Kind kind = e.code() == ErrorCode.CORRUPT ? Kind.CORRUPT : Kind.MISSING;
            problems.add(new Problem(id, kind, RepositoryLayout.manifest(id), null, e.getMessage()));
            return null;
        }
    }

    /** The parent of an incremental backup, or null; a missing parent is a problem. */
    private String parentOf(BackupManifest manifest, List<Problem> problems) {
        String parent = manifest.parent();
        if (parent == null || parent.isBlank()) {
            return null;
        }
        if (!repository.backups().exists(parent)) {
            problems.add(new Problem(manifest.id(), Kind.MISSING, RepositoryLayout.manifest(parent), null,
                    "backup " + manifest.id() + " builds on backup " + parent + ", whose manifest is not in the repository"));
            return null;
        }
        return parent;
    }

    private void verifyData(BackupManifest manifest, VerifyRequest request, Totals totals, List<Problem> problems) {
        long total = manifest.files().stream().mapToLong(BackupManifest.File::size).sum();
        AtomicLong done = new AtomicLong();
        DataObjectReader reader = new DataObjectReader(repository);
        try {
            DataObjectReader.forEachObject(manifest, request.jobs(), "lifeboat-verify", (key, files) ->
                    verifyObject(reader, manifest.id(), key, files, totals, problems, request.progress(), done, total));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot read backup " + manifest.id() + ": " + e.getMessage(), null, e);
        }
    }

    private void verifyObject(DataObjectReader reader, String backupId, String key, List<BackupManifest.File> files, Totals totals,
                              List<Problem> problems, ProgressListener progress, AtomicLong done, long total) throws IOException {
        totals.objects.incrementAndGet();
        try {
            reader.read(key, files, (file, content) -> {
                long n = content.transferTo(OutputStream.nullOutputStream());
                totals.files.incrementAndGet();
                totals.bytes.addAndGet(n);
                progress.advance("bytes", done.addAndGet(n), total);
            }, (file, problem) -> problems.add(new Problem(backupId, Kind.CORRUPT, key, file.path(), problem.getMessage())));
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.CORRUPT) {
                throw e;
            }
            // e.g. an encrypted object that fails authentication: named once, and verify goes on to the others
            synchronized (problems) {
                if (problems.stream().noneMatch(p -> key.equals(p.object()))) {
                    problems.add(new Problem(backupId, Kind.CORRUPT, key, null, e.getMessage()));
                }
            }
        } catch (StorageException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            problems.add(new Problem(backupId, Kind.MISSING, key, null, "object " + key + " is missing (it holds " + files.size()
                    + (files.size() == 1 ? " file: " + files.get(0).path() : " files") + ")"));
        }
    }

    /**
     * The WAL the backup needs to become consistent (its timeline's history and every segment
     * from start to stop: a missing one is a problem), then every segment archived after it on
     * its timeline, which a restore to a later point replays (gaps there are check's to report).
     */
    private void verifyWal(BackupManifest manifest, WalInventory wal, Set<String> checked, Totals totals, List<Problem> problems) {
        int timeline = manifest.timeline();
        if (timeline > 1) {
            String historyName = String.format("%08X.history", timeline);
            var history = wal.historyFile(timeline);
            if (history.isEmpty()) {
                problems.add(new Problem(manifest.id(), Kind.MISSING, historyName, historyName,
                        "timeline history file " + historyName + " that backup " + manifest.id() + " needs is not in the repository"));
            } else {
                verifyWalObject(manifest.id(), history.get(), -1, checked, totals, problems);
            }
        }
        long first = wal.segmentNumber(manifest.startWalFile());
        long last = wal.segmentNumber(manifest.stopWalFile());
        var segments = wal.segments(timeline);
        for (long s = first; s <= last; s++) {
            ArchivedWal segment = segments.get(s);
            if (segment == null) {
                String name = wal.segmentName(timeline, s);
                problems.add(new Problem(manifest.id(), Kind.MISSING, name, name,
                        "WAL segment " + name + " that backup " + manifest.id() + " needs to become consistent is not in the repository"));
            } else {
                verifyWalObject(manifest.id(), segment, manifest.walSegmentSize(), checked, totals, problems);
            }
        }
        for (ArchivedWal later : segments.tailMap(last, false).values()) {
            verifyWalObject(manifest.id(), later, manifest.walSegmentSize(), checked, totals, problems);
        }
    }

    private void verifyWalObject(String backupId, ArchivedWal file, long size, Set<String> checked, Totals totals, List<Problem> problems) {
        if (!checked.add(file.key())) {
            return;
        }
        totals.walFiles.incrementAndGet();
        try {
            if (!ArchivedSegmentCheck.appliesTo(file.fileName())) {
                repository.wal().verify(file, size);
                return;
            }
            Optional<WalSegmentMismatch> mismatch = segmentCheck.check(file);
            if (mismatch.isPresent()) {
                problems.add(new Problem(backupId, Kind.CORRUPT, file.key(), file.fileName(), "WAL object " + file.key()
                        + " is not segment " + file.fileName() + ": it " + mismatch.get().detail()
                        + "; to replace it with the real segment, run wal-push of pg_wal/" + file.fileName() + " with --replace-invalid"));
            }
        } catch (LifeboatException e) {
            if (e.code() != ErrorCode.CORRUPT) {
                throw e;
            }
            problems.add(new Problem(backupId, Kind.CORRUPT, file.key(), file.fileName(), e.getMessage()));
        } catch (StorageException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            problems.add(new Problem(backupId, Kind.MISSING, file.key(), file.fileName(), "object " + file.key() + " disappeared while verifying"));
        }
    }

    /** Counters shared by the threads that read one backup's objects. */
    private static final class Totals {
        final AtomicLong objects = new AtomicLong();
        final AtomicLong files = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong walFiles = new AtomicLong();

        void add(Totals other) {
            objects.addAndGet(other.objects.get());
            files.addAndGet(other.files.get());
            bytes.addAndGet(other.bytes.get());
            walFiles.addAndGet(other.walFiles.get());
        }
    }
}
