package dev.lifeboat.core.check;

import dev.lifeboat.core.archive.ArchivedSegmentCheck;
import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.pg.ReplicationSlots;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;

/**
 * Finds what would make a restore fail or stop short, before anyone needs the restore: WAL
 * missing between a backup's start and the newest archived segment of each timeline, backups,
 * archiving, drills or scheduled jobs that stopped keeping up (see {@link RepositoryHealth}), and, for
 * a running cluster, an archiving backlog or a replication slot keeping more WAL than allowed
 * (a streaming agent that died keeps its slot's WAL until the disk is full). Reads only.
 *
 * <p>It also reads the newest segment of each timeline (and the one the archiver last failed
 * on) whole and checks that it is the segment its name says: a wrong object stored under a name
 * refuses the real segment for good, so archiving stalls right there, at the newest name.
 * {@code verify} checks every segment a restore would read.
 */
public final class CheckService {

    /**
     * What to look at beyond the repository.
     *
     * @param pgdata          the cluster's data directory (its ready files), or null
     * @param connection      how to reach it (archiver statistics, slots), or null
     * @param maxReady        more ready files than this is a problem
     * @param maxSlotRetained a slot keeping more WAL than this (bytes) is a problem
     * @param maxBackupAge    the newest backup ending longer ago than this is a problem (null: not checked)
     * @param maxArchiveAge   the newest WAL archived longer ago than this is a problem (null: not checked)
     * @param maxDrillAge     no drill passing within this long is a problem (null: a repository never
     *                        proved by a drill is only a warning)
     */
    public record Request(Path pgdata, ConnectionSettings connection, int maxReady, long maxSlotRetained, Duration maxBackupAge,
                          Duration maxArchiveAge, Duration maxDrillAge) {

        /** Archive continuity and the cluster only; no age limits. */
        public Request(Path pgdata, ConnectionSettings connection, int maxReady, long maxSlotRetained) {
            this(pgdata, connection, maxReady, maxSlotRetained, null, null, null);
        }
    }

    private final Repository repository;
    private final Clock clock;

    public CheckService(Repository repository) {
        this(repository, Clock.systemUTC());
    }

    public CheckService(Repository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public CheckReport run(Request request) {
        // The cluster first: WAL it wrote before the repository was read is WAL the repository may hold.
        ClusterCommits commits = request.connection() == null ? null : commits(request.connection());
        List<String> problems = new ArrayList<>();
        List<String> damage = new ArrayList<>();
        BackupCatalog.Listing listing = repository.backups().listing();
        List<BackupManifest> backups = listing.intact();
        for (DamagedBackup d : listing.damaged()) {
            damaged(problems, damage, "backup " + d.id() + " is damaged and cannot be restored: " + d.reason() + " (manifest " + d.brokenObject() + ")");
        }
        WalInventory wal = WalInventory.load(repository);
        List<StreamedWal.Streamed> streamed = StreamedWal.of(repository).list();
        List<CheckReport.TimelineWal> timelines = new ArrayList<>();
        Set<String> identitiesChecked = new HashSet<>();
        for (int tli : wal.timelines()) {
            NavigableMap<Long, ArchivedWal> own = wal.segments(tli);
            if (own.isEmpty()) {
                continue;
            }
            TimelineHistory history;
            try {
                history = wal.history(tli);
            } catch (LifeboatException e) {
                damaged(problems, damage, e.getMessage());
                history = TimelineHistory.root(tli);
            }
            TimelineHistory path = history;
            long newest = own.lastKey();
            checkIdentity(own.lastEntry().getValue(), identitiesChecked, problems, damage);
            List<BackupManifest> onPath = backups.stream().filter(b -> onPath(b, path)).toList();
            long from = onPath.stream().mapToLong(b -> wal.segmentOf(Lsn.parse(b.startLsn()))).min().orElse(own.firstKey());
            List<CheckReport.Gap> gaps = new ArrayList<>();
            long count = 0;
            long gapStart = -1;
            for (long s = from; s <= newest + 1; s++) {
                boolean present = s <= newest && wal.segmentOnPath(history, s).isPresent();
                if (present) {
                    count++;
                }
                if (!present && gapStart < 0 && s <= newest) {
                    gapStart = s;
                } else if ((present || s > newest) && gapStart >= 0) {
                    long first = gapStart;
                    long last = s - 1;
                    List<String> affected = onPath.stream()
                            .filter(b -> wal.segmentOf(Lsn.parse(b.startLsn())) <= last).map(BackupManifest::id).toList();
                    gaps.add(new CheckReport.Gap(wal.segmentName(tli, first), wal.segmentName(tli, last), last - first + 1, affected));
                    problems.add("timeline " + tli + ": WAL " + wal.segmentName(tli, first)
                            + (last > first ? ".." + wal.segmentName(tli, last) : "") + " is missing"
                            + (affected.isEmpty() ? "" : "; backups " + String.join(", ", affected) + " cannot be restored past it"));
                    gapStart = -1;
                }
            }
            String timelineHex = String.format("%08X", tli);
            StreamedWal.Streamed newestStreamed = streamed.stream().filter(st -> st.segment().startsWith(timelineHex))
                    .reduce((a, b) -> b).orElse(null);
            timelines.add(new CheckReport.TimelineWal(tli, wal.segmentName(tli, from), own.lastEntry().getValue().fileName(), count,
                    gaps, newestStreamed == null ? null : newestStreamed.segment(), newestStreamed == null ? null : newestStreamed.storedAt()));
        }
        List<String> warnings = new ArrayList<>();
        List<CheckReport.BackupCorruptPages> corruptPages = corruptPages(backups, warnings);
        CheckReport.Health health = new RepositoryHealth(repository, clock).assess(backups, wal,
                new RepositoryHealth.Limits(request.maxBackupAge(), request.maxArchiveAge(), request.maxDrillAge()), problems, warnings);
        CheckReport.ClusterArchiving cluster = request.pgdata() == null && request.connection() == null ? null
                : cluster(request, identitiesChecked, problems, damage);
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(RestorableEnd.find(repository, wal, backups).orElse(null), commits,
                new WalSegmentSize(repository.descriptor().walSegmentSize()), clock.instant(), request.connection() == null
                        ? "the cluster was not asked (give --pgdata and a connection)" : "the cluster could not be asked");
        return new CheckReport(repository.location(), timelines, health, cluster, List.copyOf(problems), List.copyOf(warnings),
                List.copyOf(damage), List.of(), corruptPages, rpo);
    }

    /**
     * The backups still held whose pages failed their checksum as they were read, newest first:
     * each a warning, since the backup is whole but its copy of those pages is as bad as the cluster's.
     */
    private static List<CheckReport.BackupCorruptPages> corruptPages(List<BackupManifest> backups, List<String> warnings) {
        List<CheckReport.BackupCorruptPages> found = new ArrayList<>();
        for (int i = backups.size() - 1; i >= 0; i--) {
            BackupManifest b = backups.get(i);
            List<BackupManifest.CorruptPages> files = b.corruptPages();
            if (files.isEmpty()) {
                continue;
            }
            long pages = files.stream().mapToLong(BackupManifest.CorruptPages::pages).sum();
            found.add(new CheckReport.BackupCorruptPages(b.id(), pages, files));
            warnings.add("backup " + b.id() + " holds " + pages + (pages == 1 ? " corrupt page" : " corrupt pages")
                    + " (checksum failed in the cluster as it was read): " + files.get(0).describe()
                    + (files.size() > 1 ? " and " + (files.size() - 1) + " more files" : "")
                    + "; check the cluster's data (pg_amcheck) and its storage; an older backup may hold good copies");
        }
        return List.copyOf(found);
    }

    /** The cluster's WAL position and newest commit, or null when it cannot be asked (the cluster check says why). */
    private static ClusterCommits commits(ConnectionSettings connection) {
        try (ClusterSession session = ClusterSession.connect(connection)) {
            return ClusterCommits.ask(session);
        } catch (LifeboatException e) {
            return null;
        }
    }

    /** A problem with what is stored: it fails the check, and monitors count it apart from the limits. */
    private static void damaged(List<String> problems, List<String> damage, String problem) {
        problems.add(problem);
        damage.add(problem);
    }

    private CheckReport.ClusterArchiving cluster(Request request, Set<String> identitiesChecked, List<String> problems,
                                                  List<String> damage) {
        int ready = 0;
        String oldest = null;
        if (request.pgdata() != null) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(request.pgdata().resolve("pg_wal").resolve("archive_status"),
                    "*.ready")) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString().replace(".ready", "");
                    ready++;
                    if (oldest == null || name.compareTo(oldest) < 0) {
                        oldest = name;
                    }
                }
            } catch (IOException e) {
                problems.add("cannot read " + request.pgdata().resolve("pg_wal/archive_status") + ": " + e.getMessage());
            }
            if (ready > request.maxReady()) {
                problems.add(ready + " WAL files wait to be archived (oldest " + oldest + "; more than " + request.maxReady()
                        + "): archiving does not keep up");
            }
        }
        if (request.connection() == null) {
            return new CheckReport.ClusterArchiving(ready, oldest, null, null, List.of(), null, null);
        }
        try (ClusterSession session = ClusterSession.connect(request.connection())) {
            ClusterSession.ArchiverStatus archiver = session.archiverStatus();
            checkIdentityOfFailed(archiver.lastFailedWal(), identitiesChecked, problems, damage);
            String failingSince = session.archiverFailingSince();
            if (failingSince != null) {
                problems.add("the archiver is failing: its last attempt, on " + archiver.lastFailedWal() + " at " + failingSince
                        + ", failed and nothing was archived since (" + archiver.failedCount() + " failures so far);"
                        + " check archive_command and the server log");
            }
            List<CheckReport.Slot> slots = new ArrayList<>();
            for (ReplicationSlots.Slot s : new ReplicationSlots(session).list()) {
                slots.add(new CheckReport.Slot(s.name(), s.type(), s.active(), s.restartLsn(), s.retainedBytes(), s.walStatus()));
                if (s.retainedBytes() != null && s.retainedBytes() > request.maxSlotRetained()) {
                    problems.add("replication slot " + s.name() + (s.active() ? "" : " (inactive)") + " keeps "
                            + s.retainedBytes() / (1 << 20) + " MiB of WAL on the server; if its consumer is gone for good,"
                            + " drop it: lifeboat agent --drop-slot --slot " + s.name());
                }
            }
            return new CheckReport.ClusterArchiving(ready, oldest, archiver.failedCount(), archiver.lastFailedWal(), slots, null, failingSince);
        } catch (LifeboatException e) {
            problems.add("cannot ask the cluster: " + e.getMessage());
            return new CheckReport.ClusterArchiving(ready, oldest, null, null, List.of(), e.getMessage(), null);
        }
    }

    /** The archiver's last failure may be a refusal because a wrong object holds that name. */
    private void checkIdentityOfFailed(String lastFailedWal, Set<String> checked, List<String> problems, List<String> damage) {
        if (lastFailedWal == null || !ArchivedSegmentCheck.appliesTo(lastFailedWal) || !WalArchive.isArchivableName(lastFailedWal)) {
            return;
        }
        for (ArchivedWal stored : repository.wal().findAll(lastFailedWal)) {
            checkIdentity(stored, checked, problems, damage);
        }
    }

    private void checkIdentity(ArchivedWal segment, Set<String> checked, List<String> problems, List<String> damage) {
        if (!checked.add(segment.key())) {
            return;
        }
        try {
            Optional<WalSegmentMismatch> mismatch = new ArchivedSegmentCheck(repository).check(segment);
            mismatch.ifPresent(m -> damaged(problems, damage, "WAL object " + segment.key() + " is not segment " + segment.fileName() + ": it "
                    + m.detail() + "; archiving of the real segment is refused until it is replaced: run wal-push of pg_wal/"
                    + segment.fileName() + " with --replace-invalid"));
        } catch (LifeboatException e) {
            damaged(problems, damage, e.getMessage());
        }
    }

    private static boolean onPath(BackupManifest backup, TimelineHistory history) {
        if (!history.includes(backup.timeline())) {
            return false;
        }
        Lsn end = history.endOf(backup.timeline());
        return end == null || Lsn.parse(backup.stopLsn()).compareTo(end) <= 0;
    }
}
