package dev.lifeboat.core.backup;

import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.pg.BackupLabel;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.repo.BackupId;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.storage.BlobInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Takes a base backup of a running cluster with the non-exclusive API, in one session that
 * stays open from start to stop. Order matters and is the whole point: data objects, then
 * the WAL the backup needs (checked in the repository), then the manifest, last.
 */
public final class BackupService {

    private final Repository repository;
    private final Clock clock;
    private final Duration lockWait;

    public BackupService(Repository repository, Clock clock) {
        this(repository, clock, Duration.ZERO);
    }

    /** @param lockWait how long to wait for another backup, expire or replicate holding the repository's lock */
    public BackupService(Repository repository, Clock clock, Duration lockWait) {
        this.repository = repository;
        this.clock = clock;
        this.lockWait = lockWait;
    }

    public BackupResult run(BackupRequest request) {
        ProgressListener progress = request.progress();
        long started = System.nanoTime();
        try (RepositoryLock lock = RepositoryLock.acquire(repository.store(), "backup", lockWait);
             ClusterSession session = ClusterSession.connect(request.connection())) {
            if (lock.tookOver() != null) {
                progress.step("took over the repository lock from " + lock.tookOver());
            }
            checkCluster(session, request);
            if (request.primary() != null) {
                StandbyPrimary.check(request.primary(), repository);
            }

            BackupManifest parent = parentFor(request.type(), session.majorVersion());
            BackupType type = parent == null ? BackupType.FULL : request.type();
            Instant startTime = clock.instant();
            String backupId = uniqueId(startTime, type);
            progress.step("starting backup " + backupId + " (checkpoint)");
            String startLsn = session.startBackup("lifeboat " + backupId);

            progress.step("copying files");
            long copyStarted = System.nanoTime();
            DataDirectoryInventory.Inventory inventory = DataDirectoryInventory.of(request.pgdata());
            PageChecks pageChecks = request.checkPages() ? PageChecks.forCluster(session, startLsn) : PageChecks.off();
            DataObjectUploader uploader = new DataObjectUploader(repository, backupId, request.jobs(), progress, pageChecks);
            ReadLast readLast = ReadLast.of(inventory.files(), request.fromStandby());
            UnchangedFiles.Split split = parent == null ? new UnchangedFiles.Split(readLast.others(), List.of())
                    : UnchangedFiles.split(readLast.others(), parent);
            List<BackupManifest.File> files;
            try {
                files = new java.util.ArrayList<>(uploader.upload(split.toCopy(), readLast.last()));
                files.addAll(split.reused());
                files.sort(java.util.Comparator.comparing(BackupManifest.File::path));
            } catch (RuntimeException e) {
                removeDataObjects(backupId);
                throw e;
            }
            Duration copyDuration = Duration.ofNanos(System.nanoTime() - copyStarted);
            BackupManifest.PageChecksums pageChecksums = new BackupManifest.PageChecksums(pageChecks.enabled(),
                    corruptPages(pageChecks.corrupt(session), parent, split.reused()));

            progress.step("stopping backup");
            ClusterSession.BackupStop stop = request.fromStandby() ? session.stopBackupOnStandby() : session.stopBackup();
            Instant stopTime = clock.instant();
            long nextXid = session.nextXid();
            java.util.Map<Long, String> tablespaceNames = session.tablespaceNames();
            int timeline = BackupLabel.startTimeline(stop.backupLabel());
            String startWalFile = BackupLabel.startWalFile(stop.backupLabel());

            long waitStarted = System.nanoTime();
            try {
                if (request.primary() != null) {
                    // Never on the standby: pg_switch_wal fails during recovery. The primary's switch
                    // completes the segment holding the standby's stop point, which its archiver then ships.
                    progress.step("asking the primary at " + request.primary().describe() + " to switch WAL");
                    StandbyPrimary.switchWal(request.primary());
                }
                progress.step("waiting for WAL " + startWalFile + " .. " + stop.walFileName() + " to be archived");
                ArchiveWait.await(repository, request.fromStandby() ? null : session, segmentsBetween(startWalFile, stop.walFileName()),
                        request.archiveTimeout(), startTime, progress, ArchiveWait.hint(request.fromStandby(), request.primary() != null));
            } catch (RuntimeException e) {
                removeDataObjects(backupId);
                throw e;
            }
            Duration waitDuration = Duration.ofNanos(System.nanoTime() - waitStarted);

            long bytes = files.stream().mapToLong(BackupManifest.File::size).sum();
            BackupManifest manifest = new BackupManifest(
                    BackupManifest.CURRENT_FORMAT, backupId, type, parent == null ? null : parent.id(),
                    repository.descriptor().systemIdentifier(), session.majorVersion(), session.serverVersion(),
                    repository.descriptor().walSegmentSize(), timeline,
                    startLsn, stop.lsn(), startWalFile, stop.walFileName(), startTime, stopTime, nextXid,
                    stop.backupLabel(), stop.tablespaceMap(),
                    new BackupManifest.Totals(files.size(), bytes, uploader.storedBytes(), uploader.objectCount()),
                    LifeboatVersion.version(), LifeboatVersion.host(), pageChecksums,
                    inventory.links().stream().map(l -> new BackupManifest.Link(l.path(), l.target())).toList(),
                    inventory.directories().stream().map(d -> new BackupManifest.Directory(d.path(), d.mode())).toList(),
                    files, BackupTablespaces.of(inventory.links(), tablespaceNames), request.fromStandby() ? Boolean.TRUE : null);
            requireDataObjectsPresent(backupId, files);
            try {
                lock.requireHeld();
            } catch (RuntimeException e) {
                removeDataObjects(backupId);
                throw e;
            }
            progress.step("writing manifest");
            repository.backups().write(manifest);
            if (parent != null) {
                requireParentStillListed(manifest, parent);
            }
            return new BackupResult(backupId, type, parent == null ? null : parent.id(), split.reused().size(), timeline, startLsn, stop.lsn(), startWalFile, stop.walFileName(),
                    startTime, stopTime, files.size(), bytes, uploader.storedBytes(), uploader.objectCount(),
                    copyDuration, waitDuration, Duration.ofNanos(System.nanoTime() - started), pageChecksums,
                    request.fromStandby());
        }
    }

    /**
     * The corrupt pages found in the files read, and those the parent found in files reused from
     * it unchanged (the stored copy holds them still), by path.
     */
    static List<BackupManifest.CorruptPages> corruptPages(List<BackupManifest.CorruptPages> found, BackupManifest parent,
                                                          List<BackupManifest.File> reused) {
        if (parent == null || parent.corruptPages().isEmpty()) {
            return found;
        }
        java.util.Set<String> reusedPaths = new java.util.HashSet<>();
        reused.forEach(f -> reusedPaths.add(f.path()));
        List<BackupManifest.CorruptPages> all = new java.util.ArrayList<>(found);
        parent.corruptPages().stream().filter(c -> reusedPaths.contains(c.path())).forEach(all::add);
        all.sort(java.util.Comparator.comparing(BackupManifest.CorruptPages::path));
        return all;
    }

    /**
     * The server must be the repository's cluster, running on the data directory we read. The
     * version is compared first: pg_upgrade makes a new cluster (a new system identifier), and
     * its user needs to hear about the upgrade, not about a wrong --repo.
     */
    private void checkCluster(ClusterSession session, BackupRequest request) {
        if (session.majorVersion() != repository.descriptor().pgMajor()) {
            throw new LifeboatException(ErrorCode.REPOSITORY,
                    "the server at " + session.settings().describe() + " runs PostgreSQL " + session.majorVersion() + " but repository "
                            + repository.location() + " holds PostgreSQL " + repository.descriptor().pgMajor() + " backups",
                    "after a major upgrade (pg_upgrade), start a new repository for the new cluster with 'lifeboat init'; the old"
                            + " repository's backups stay listed by 'lifeboat info' and restorable with 'restore --backup ID' until they expire");
        }
        repository.requireCluster(session.systemIdentifier(), "the server at " + session.settings().describe());
        boolean standby = session.isInRecovery();
        if (standby && !request.fromStandby()) {
            throw new LifeboatException(ErrorCode.POSTGRES, "the server at " + session.settings().describe() + " is a standby",
                    "pass --from-standby to back up from it (with --primary-port/--primary-host so the primary switches WAL),"
                            + " or back up the primary");
        }
        if (!standby && request.fromStandby()) {
            throw new LifeboatException(ErrorCode.POSTGRES, "the server at " + session.settings().describe()
                    + " is not a standby, but --from-standby was given",
                    "leave out --from-standby to back up this primary, or point --pg-port/--pg-host and --pgdata at the standby");
        }
        session.requireDataDirectory(request.pgdata());
        if (!standby) {
            requireArchiving(session, repository);
        }
    }

    /**
     * A backup without its WAL cannot be restored: the server that produces the WAL (the primary,
     * also for a backup taken on its standby) must archive it.
     */
    static void requireArchiving(ClusterSession session, Repository repository) {
        String archiveMode = session.setting("archive_mode");
        String archiveCommand = session.setting("archive_command");
        String archiveLibrary = session.majorVersion() >= 15 ? session.setting("archive_library") : "";
        boolean archiving = !"off".equals(archiveMode)
                && ((archiveCommand != null && !archiveCommand.isBlank() && !archiveCommand.equals("(disabled)"))
                || (archiveLibrary != null && !archiveLibrary.isBlank()));
        if (!archiving) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "WAL archiving is off on the server at " + session.settings().describe()
                            + " (archive_mode=" + archiveMode + "): a backup without its WAL cannot be restored",
                    "set archive_mode = on and archive_command = '<path>/bin/lifeboat wal-push --repo " + repository.location()
                            + " %p', then restart PostgreSQL");
        }
    }

    private String uniqueId(Instant start, BackupType type) {
        String id = BackupId.of(start, type);
        // Backups hold the repository lock, so none runs beside this one; but one that ended
        // within this second has its id: take the next free second, which still sorts by start.
        while (repository.backups().exists(id) || hasDataObjects(id)) {
            start = start.plusSeconds(1);
            id = BackupId.of(start, type);
        }
        return id;
    }

    /**
     * The backup a diff (the newest full) or an incr (the newest backup of any type) builds on,
     * with its file list; null for a full backup, or when there is nothing to build on (then a
     * full backup is taken, as pgBackRest does).
     */
    private BackupManifest parentFor(BackupType type, int pgMajor) {
        if (type == BackupType.FULL) {
            return null;
        }
        List<BackupManifest> backups = repository.backups().list();
        for (int i = backups.size() - 1; i >= 0; i--) {
            BackupManifest b = backups.get(i);
            if (b.pgMajor() == pgMajor && (type == BackupType.INCR || b.type() == BackupType.FULL)) {
                return repository.backups().read(b.id());
            }
        }
        return null;
    }

    /**
     * An expire that ran while this backup did may have removed the parent: its manifest goes
     * first, so checking it after our own manifest is written closes the race (expire keeps
     * data that any listed manifest references). Without its parent this backup is withdrawn.
     */
    private void requireParentStillListed(BackupManifest manifest, BackupManifest parent) {
        if (!repository.backups().exists(parent.id())) {
            repository.backups().delete(manifest.id());
            removeDataObjects(manifest.id());
            throw new LifeboatException(ErrorCode.REPOSITORY, "backup " + parent.id() + ", which " + manifest.id()
                    + " builds on, was removed while it ran (an expire?)", "run the backup again");
        }
    }

    /**
     * The manifest must never name an object that is gone (removed while the backup ran, e.g.
     * as an orphan by an expire told to remove very young ones): check before it is written.
     */
    private void requireDataObjectsPresent(String backupId, List<BackupManifest.File> files) {
        java.util.Set<String> present = new java.util.HashSet<>();
        try (Stream<BlobInfo> blobs = repository.store().list(RepositoryLayout.dataPrefix(backupId))) {
            blobs.forEach(b -> present.add(b.key()));
        }
        for (BackupManifest.File f : files) {
            if (f.object() != null && !present.contains(f.object()) && !f.object().startsWith(RepositoryLayout.dataPrefix(backupId))
                    && repository.store().stat(f.object()).isPresent()) {
                present.add(f.object()); // reused from an earlier backup, and still there
            }
            if (f.object() != null && !present.contains(f.object())) {
                removeDataObjects(backupId);
                throw new LifeboatException(ErrorCode.REPOSITORY, "data object " + f.object() + " of backup " + backupId
                        + " disappeared from " + repository.location() + " while the backup ran",
                        "something removed it (another tool, or an expire of orphans); run the backup again");
            }
        }
    }

    private boolean hasDataObjects(String backupId) {
        try (Stream<BlobInfo> blobs = repository.store().list(RepositoryLayout.dataPrefix(backupId))) {
            return blobs.findAny().isPresent();
        }
    }

    /** Best effort: objects of a backup that will never get a manifest. */
    private void removeDataObjects(String backupId) {
        try (Stream<BlobInfo> blobs = repository.store().list(RepositoryLayout.dataPrefix(backupId))) {
            blobs.forEach(b -> repository.store().delete(b.key()));
        } catch (RuntimeException ignored) {
            // what is left has no manifest, so it is not a backup; expire removes it later
        }
    }

    private List<String> segmentsBetween(String first, String last) {
        WalSegmentSize size = new WalSegmentSize(repository.descriptor().walSegmentSize());
        WalSegmentName end = WalSegmentName.parse(last, size);
        List<String> names = new java.util.ArrayList<>();
        for (WalSegmentName s = WalSegmentName.parse(first, size); s.segmentNumber() <= end.segmentNumber(); s = s.next()) {
            names.add(s.fileName());
        }
        return names;
    }
}
