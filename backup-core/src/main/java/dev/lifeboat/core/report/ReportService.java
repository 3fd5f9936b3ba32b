package dev.lifeboat.core.report;

import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.report.RepositoryReport.ArchiveGap;
import dev.lifeboat.core.report.RepositoryReport.BackupRun;
import dev.lifeboat.core.report.RepositoryReport.DrillRun;
import dev.lifeboat.core.report.RepositoryReport.JobRunPoint;
import dev.lifeboat.core.report.RepositoryReport.JobTrack;
import dev.lifeboat.core.report.RepositoryReport.RecoverableWindow;
import dev.lifeboat.core.wal.TimelineHistory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/** Reads a repository's history into a {@link RepositoryReport}; writes nothing. */
public final class ReportService {

    /**
     * Summaries read for the WAL plot: one small ranged read each, so a busy archive on a
     * remote store is sampled from its newest segments rather than read whole.
     */
    public static final int DEFAULT_SUMMARY_LIMIT = 2000;

    private final Repository repository;
    private final Clock clock;
    private final Map<String, Optional<WalSummary>> summaries = new HashMap<>();

    public ReportService(Repository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * @param walPeriod    how far back the WAL arrivals reach
     * @param summaryLimit how many segment summaries may be read for delays and backlog
     */
    public RepositoryReport run(String name, Duration walPeriod, int summaryLimit) {
        BackupCatalog.Listing listing = repository.backups().listing();
        WalInventory inventory = WalInventory.load(repository);
        return new RepositoryReport(name, repository.location(), null, backups(listing),
                new WalArrivalStatistics(segmentsOf(inventory), this::summary).collect(clock.instant().minus(walPeriod), summaryLimit),
                windows(listing.intact(), inventory), gaps(inventory), drills(), jobs());
    }

    private static List<BackupRun> backups(BackupCatalog.Listing listing) {
        List<BackupRun> runs = new ArrayList<>();
        for (BackupManifest m : listing.intact()) {
            runs.add(run(m, "OK"));
        }
        for (DamagedBackup d : listing.damaged()) {
            runs.add(d.head() == null ? new BackupRun(d.id(), null, "DAMAGED", null, null, null, 0, 0) : run(d.head(), "DAMAGED"));
        }
        runs.sort(Comparator.comparing(BackupRun::id)); // ids begin with the start time
        return runs;
    }

    private static BackupRun run(BackupManifest m, String status) {
        BackupManifest.Totals t = m.totals();
        Duration duration = m.startTime() == null || m.stopTime() == null ? null : Duration.between(m.startTime(), m.stopTime());
        return new BackupRun(m.id(), m.type().jsonName(), status, m.startTime(), m.stopTime(), duration,
                t == null ? 0 : t.bytes(), t == null ? 0 : t.storedBytes());
    }

    private static List<ArchivedWal> segmentsOf(WalInventory inventory) {
        List<ArchivedWal> all = new ArrayList<>();
        for (int timeline : inventory.timelines()) {
            all.addAll(inventory.segments(timeline).values());
        }
        return all;
    }

    /**
     * One window per stretch of unbroken WAL that follows a backup: it opens at the end of the
     * oldest backup in the stretch and closes at the last commit before a gap or the archive's end.
     */
    private List<RecoverableWindow> windows(List<BackupManifest> backups, WalInventory inventory) {
        List<RecoverableWindow> windows = new ArrayList<>();
        for (BackupManifest backup : backups) {
            if (backup.startWalFile() == null || backup.stopWalFile() == null || backup.stopTime() == null) {
                continue;
            }
            long first = inventory.segmentNumber(backup.startWalFile());
            long stop = inventory.segmentNumber(backup.stopWalFile());
            WalInventory.Reach reach = reach(inventory, backup.timeline(), first);
            long last = reach.endSegment() - 1;
            if (last < stop) {
                continue; // the WAL to make this backup consistent is missing: no window at all
            }
            ArchivedWal lastSegment = onPath(inventory, backup.timeline(), last);
            String lastName = lastSegment.fileName();
            RecoverableWindow previous = windows.isEmpty() ? null : windows.get(windows.size() - 1);
            if (previous != null && previous.lastSegment().equals(lastName)) {
                continue; // the same stretch of WAL, reached from an older backup already
            }
            Instant lastCommit = summary(lastSegment).map(WalSummary::lastTransactionTime).orElse(lastSegment.archivedAt());
            Instant until = lastCommit == null || lastCommit.isBefore(backup.stopTime()) ? backup.stopTime() : lastCommit;
            windows.add(new RecoverableWindow(backup.timeline(), backup.stopTime(), until, backup.id(), lastName,
                    reach.hasGap() ? RecoverableWindow.GAP : RecoverableWindow.ARCHIVE_END));
        }
        return windows;
    }

    /** Along the timeline's history when it has one; along its own segments when the history cannot be read. */
    private static WalInventory.Reach reach(WalInventory inventory, int timeline, long first) {
        try {
            return inventory.reach(inventory.history(timeline), first);
        } catch (LifeboatException e) {
            return inventory.reach(TimelineHistory.root(timeline), first);
        }
    }

    private static ArchivedWal onPath(WalInventory inventory, int timeline, long segment) {
        TimelineHistory history;
        try {
            history = inventory.history(timeline);
        } catch (LifeboatException e) {
            history = TimelineHistory.root(timeline);
        }
        return inventory.segmentOnPath(history, segment).orElseThrow();
    }

    private static List<ArchiveGap> gaps(WalInventory inventory) {
        List<ArchiveGap> gaps = new ArrayList<>();
        for (int timeline : inventory.timelines()) {
            NavigableMap<Long, ArchivedWal> segments = inventory.segments(timeline);
            for (long[] gap : inventory.gaps(timeline)) {
                gaps.add(new ArchiveGap(timeline, inventory.segmentName(timeline, gap[0]), inventory.segmentName(timeline, gap[1] - 1),
                        segments.get(gap[0] - 1).archivedAt(), segments.get(gap[1]).archivedAt()));
            }
        }
        return gaps;
    }

    private List<DrillRun> drills() {
        List<DrillRun> runs = new ArrayList<>();
        for (String backupId : repository.drills().latestVerdicts().keySet()) {
            for (DrillRecord d : repository.drills().history(backupId)) {
                runs.add(new DrillRun(d.id(), d.backupId(), d.verdict().jsonName(), d.startedAt(),
                        d.timings() == null ? null : d.timings().rto(), d.failure()));
            }
        }
        runs.sort(Comparator.comparing(DrillRun::id)); // ids begin with the drill's start
        return runs;
    }

    private List<JobTrack> jobs() {
        JobRunLog log = new JobRunLog(repository, clock);
        List<JobTrack> tracks = new ArrayList<>();
        for (String job : log.latestOfEach().keySet()) {
            JobRunLog.History history = log.history(job);
            List<JobRun> all = new ArrayList<>(history.finished());
            all.addAll(history.running());
            all.sort(Comparator.comparing(JobRun::startTime, Comparator.nullsFirst(Comparator.naturalOrder())));
            String kind = all.isEmpty() ? null : all.get(all.size() - 1).kind();
            tracks.add(new JobTrack(job, kind, all.stream().map(r -> new JobRunPoint(r.startTime(), r.duration(),
                    r.outcome() == null ? "running" : r.outcome().name().toLowerCase(Locale.ROOT), r.error())).toList()));
        }
        return tracks;
    }

    private Optional<WalSummary> summary(ArchivedWal segment) {
        return summaries.computeIfAbsent(segment.key(), k -> repository.wal().summary(segment));
    }
}
