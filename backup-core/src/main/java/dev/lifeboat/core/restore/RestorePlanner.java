package dev.lifeboat.core.restore;

import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.DrillCatalog;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.restore.RecoveryTarget.Immediate;
import dev.lifeboat.core.restore.RecoveryTarget.LastKnownGood;
import dev.lifeboat.core.restore.RecoveryTarget.Latest;
import dev.lifeboat.core.restore.RecoveryTarget.LsnTarget;
import dev.lifeboat.core.restore.RecoveryTarget.Name;
import dev.lifeboat.core.restore.RecoveryTarget.Time;
import dev.lifeboat.core.restore.RecoveryTarget.Xid;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the backup a restore starts from and refuses, before anything is written, a
 * target that recovery could not reach: before the end of every usable backup, beyond the
 * archived WAL, or behind a gap in it. PostgreSQL 13+ fails hard when recovery ends short of
 * its target; finding out up front costs a listing, finding out afterwards costs a restore.
 */
public final class RestorePlanner {

    private final Repository repository;

    public RestorePlanner(Repository repository) {
        this.repository = repository;
    }

    public RestorePlan plan(RecoveryTarget target, String backupId, Integer timeline) {
        if (target instanceof LastKnownGood) {
            return planLastKnownGood(backupId, timeline);
        }
        BackupCatalog.Listing listing = repository.backups().listing();
        List<BackupManifest> backups = listing.intact();
        if (backupId != null) {
            listing.damaged(backupId).ifPresent(d -> {
                throw new LifeboatException(ErrorCode.CORRUPT, "backup " + backupId + " cannot be restored: " + d.reason()
                        + " (manifest " + d.brokenObject() + " in " + repository.location() + ")",
                        "restore another backup with --backup; 'lifeboat info --repo " + repository.location() + "' lists them");
            });
        }
        if (backups.isEmpty()) {
            if (!listing.damaged().isEmpty()) {
                throw new LifeboatException(ErrorCode.CORRUPT, "every backup in " + repository.location() + " is damaged (first: "
                        + listing.damaged().get(0).brokenObject() + ": " + listing.damaged().get(0).reason() + ")",
                        "restore from another copy of the repository; 'lifeboat verify' lists every damaged object");
            }
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + repository.location() + " holds no backup",
                    "take one with 'lifeboat backup --repo " + repository.location() + " --pgdata <data directory>'");
        }
        WalInventory wal = WalInventory.load(repository);
        int maxBackupTimeline = backups.stream().mapToInt(BackupManifest::timeline).max().orElse(1);
        int targetTimeline = timeline != null ? timeline : wal.latestTimeline(maxBackupTimeline);
        TimelineHistory history = wal.history(targetTimeline);

        List<BackupManifest> usable = backups.stream().filter(b -> onPath(b, history)).toList();
        List<String> notes = new ArrayList<>();
        if (backupId == null) {
            for (DamagedBackup d : listing.damaged()) {
                notes.add("skipped damaged backup " + d.id() + " (" + d.reason() + ")");
            }
        }
        BackupManifest chosen;
        if (backupId != null) {
            chosen = backups.stream().filter(b -> b.id().equals(backupId)).findFirst()
                    .orElseThrow(() -> new LifeboatException(ErrorCode.REPOSITORY, "no backup " + backupId + " in " + repository.location(),
                            "list the backups with 'lifeboat info --repo " + repository.location() + "'"));
            if (!onPath(chosen, history)) {
                throw new LifeboatException(ErrorCode.TARGET, "backup " + backupId + " (timeline " + chosen.timeline()
                        + ") is not on the path to timeline " + targetTimeline, "choose another --backup or --target-timeline");
            }
            requireBackupPrecedesTarget(chosen, target, wal, history);
        } else {
            if (usable.isEmpty()) {
                throw new LifeboatException(ErrorCode.TARGET, "no backup in " + repository.location()
                        + " lies on the path to timeline " + targetTimeline, "choose --target-timeline");
            }
            chosen = choose(usable, target, wal, history, notes);
        }

        long startSegment = wal.segmentOf(Lsn.parse(chosen.startLsn()));
        long stopSegment = wal.segmentNumber(chosen.stopWalFile());
        WalInventory.Reach reach = wal.reach(history, startSegment);
        if (reach.endSegment() <= stopSegment) {
            String missing = wal.segmentName(chosen.timeline(), reach.endSegment());
            throw new LifeboatException(ErrorCode.REPOSITORY, "WAL segment " + missing + " that backup " + chosen.id()
                    + " needs to become consistent is not in " + repository.location(),
                    "restore it into the archive, or restore another backup with --backup");
        }
        Lsn archiveEnd = wal.startOf(reach.endSegment());
        String lastSegment = wal.segmentName(timelineOf(wal, history, reach.endSegment() - 1), reach.endSegment() - 1);
        if (reach.hasGap()) {
            String gapMessage = "the archive has a gap: WAL segment " + wal.segmentName(targetTimeline, reach.endSegment())
                    + " is missing but later segments exist, so recovery would stop at " + archiveEnd;
            if (target instanceof Latest) {
                throw new LifeboatException(ErrorCode.TARGET, gapMessage,
                        "put the missing segment back, or restore to a point before the gap (--target-lsn " + archiveEnd + ")");
            }
            notes.add(gapMessage);
        }
        requireTargetWithinArchive(target, chosen, wal, history, reach, archiveEnd, lastSegment);
        List<ArchivedWal> replayPath = new ArrayList<>();
        for (long s = startSegment; s < reach.endSegment(); s++) {
            wal.segmentOnPath(history, s).ifPresent(replayPath::add);
        }
        return new RestorePlan(chosen, target, targetTimeline, timeline == null, archiveEnd, List.copyOf(notes),
                List.copyOf(replayPath));
    }

    /**
     * The newest backup whose newest drill passed, to the end point that drill replayed to (or
     * its consistency point when the drill stopped there), on the timeline the drill followed.
     */
    private RestorePlan planLastKnownGood(String backupId, Integer timeline) {
        if (backupId != null) {
            throw new LifeboatException(ErrorCode.USAGE, "--backup and --target last-known-good both choose the backup",
                    "drop --backup, or restore that backup with --target immediate");
        }
        DrillCatalog.KnownGood good = repository.drills().newestKnownGood().orElseThrow(() -> new LifeboatException(ErrorCode.TARGET,
                "no backup in " + repository.location() + " has passed a restore drill",
                "prove one with 'lifeboat drill --repo " + repository.location() + "', or choose another target"));
        DrillRecord.VerifiedEnd end = good.drill().verifiedEnd();
        RecoveryTarget resolved = end == null || end.lsn() == null ? new Immediate() : new LsnTarget(Lsn.parse(end.lsn()));
        Integer followed = timeline != null ? timeline : end == null ? null : end.timeline();
        RestorePlan plan = plan(resolved, good.backup().id(), followed);
        List<String> notes = new ArrayList<>();
        notes.add("last known-good: backup " + good.backup().id() + ", proven by drill " + good.drill().id()
                + (end != null && end.lsn() != null ? " up to " + end.lsn() : " at its consistency point"));
        notes.addAll(plan.notes());
        return new RestorePlan(plan.backup(), plan.target(), plan.targetTimeline(), plan.timelineLatest(), plan.archiveEnd(),
                List.copyOf(notes), plan.replayPath());
    }

    private BackupManifest choose(List<BackupManifest> usable, RecoveryTarget target, WalInventory wal, TimelineHistory history,
                                  List<String> notes) {
        BackupManifest newest = usable.get(usable.size() - 1);
        BackupManifest oldest = usable.get(0);
        if (target instanceof Latest || target instanceof Immediate) {
            return newest;
        }
        if (target instanceof Time t) {
            return newestWhere(usable, b -> b.stopTime().isBefore(t.time())).orElseThrow(() -> new LifeboatException(ErrorCode.TARGET,
                    "target " + target.describe() + " is before the end of the oldest backup (" + oldest.id() + " ended at "
                            + RecoveryTarget.formatForPostgres(oldest.stopTime()) + ")",
                    "the earliest time you can restore to is " + RecoveryTarget.formatForPostgres(oldest.stopTime())));
        }
        if (target instanceof LsnTarget l) {
            return newestWhere(usable, b -> Lsn.parse(b.stopLsn()).compareTo(l.lsn()) <= 0).orElseThrow(() -> new LifeboatException(
                    ErrorCode.TARGET, "target " + target.describe() + " is before the end of the oldest backup (" + oldest.id()
                    + " ends at " + oldest.stopLsn() + ")", "the earliest LSN you can restore to is " + oldest.stopLsn()));
        }
        if (target instanceof Xid x) {
            Optional<BackupManifest> safe = newestWhere(usable, b -> b.stopNextXid() > 0 && b.stopNextXid() <= x.xid());
            if (safe.isPresent()) {
                return safe.get();
            }
            notes.add("transaction " + x.xid() + " started before the oldest backup ended; restoring from " + oldest.id()
                    + " works only if it committed after that backup became consistent");
            return oldest;
        }
        if (target instanceof Name n) {
            Optional<WalSummary.RestorePoint> point = findRestorePoint(n.name(), wal, history, oldest);
            if (point.isPresent()) {
                Lsn at = Lsn.parse(point.get().lsn());
                return newestWhere(usable, b -> Lsn.parse(b.stopLsn()).compareTo(at) <= 0).orElseThrow(() -> new LifeboatException(
                        ErrorCode.TARGET, "restore point '" + n.name() + "' (at " + at + ") is before the end of the oldest backup ("
                        + oldest.id() + " ends at " + oldest.stopLsn() + ")", "choose a later restore point"));
            }
            UnknownRestorePoint.refuseIfProvenAbsent(repository, n.name(), wal, history, oldest);
            notes.add("restore point '" + n.name() + "' was not found in the WAL summaries; starting from the oldest backup "
                    + oldest.id() + " so that recovery can meet it wherever it is");
            return oldest;
        }
        throw new IllegalStateException("unknown target " + target);
    }

    private void requireBackupPrecedesTarget(BackupManifest backup, RecoveryTarget target, WalInventory wal, TimelineHistory history) {
        if (target instanceof Time t && !backup.stopTime().isBefore(t.time())) {
            throw new LifeboatException(ErrorCode.TARGET, "target " + target.describe() + " is before backup " + backup.id()
                    + " ended (" + RecoveryTarget.formatForPostgres(backup.stopTime()) + ")", "choose an older --backup or a later time");
        }
        if (target instanceof LsnTarget l && Lsn.parse(backup.stopLsn()).compareTo(l.lsn()) > 0) {
            throw new LifeboatException(ErrorCode.TARGET, "target " + target.describe() + " is before backup " + backup.id()
                    + " ends (" + backup.stopLsn() + ")", "choose an older --backup or a later LSN");
        }
    }

    private void requireTargetWithinArchive(RecoveryTarget target, BackupManifest backup, WalInventory wal, TimelineHistory history,
                                            WalInventory.Reach reach, Lsn archiveEnd, String lastSegment) {
        if (target instanceof LsnTarget l) {
            Lsn end = lastRecordEnd(wal, history, reach).orElse(archiveEnd);
            if (l.lsn().compareTo(end) > 0) {
                throw new LifeboatException(ErrorCode.TARGET, "target " + target.describe() + " is after the last archived WAL (which ends at "
                        + end + " in " + lastSegment + ")", "choose an earlier LSN, wait for more WAL to be archived, or use --target latest");
            }
        } else if (target instanceof Time t) {
            TransactionHorizon horizon = lastTransactionTime(wal, history, reach, Lsn.parse(backup.startLsn()));
            if (horizon.known() && (horizon.last() == null || !horizon.last().isAfter(t.time()))) {
                String last = horizon.last() == null
                        ? "no transaction ended in the archived WAL after backup " + backup.id() + " started"
                        : "the last archived transaction ended at " + RecoveryTarget.formatForPostgres(horizon.last());
                throw new LifeboatException(ErrorCode.TARGET, "target " + target.describe() + " is after the last archived WAL ("
                        + last + "), so recovery could never stop there",
                        "use --target latest to replay all archived WAL, or wait until more WAL is archived");
            }
            if (!horizon.known()) {
                ArchivedWal last = wal.segmentOnPath(history, reach.endSegment() - 1).orElseThrow();
                if (last.archivedAt() != null && last.archivedAt().isBefore(t.time())) {
                    throw new LifeboatException(ErrorCode.TARGET, "target " + target.describe()
                            + " is after the newest archived WAL (" + last.fileName() + ", archived at "
                            + RecoveryTarget.formatForPostgres(last.archivedAt()) + ")",
                            "use --target latest to replay all archived WAL, or wait until more WAL is archived");
                }
            }
        } else if (target instanceof Xid x) {
            Optional<Long> maxXid = maxCommittedXid(wal, history, reach);
            if (maxXid.isPresent() && maxXid.get() < x.xid()) {
                throw new LifeboatException(ErrorCode.TARGET, "transaction " + x.xid()
                        + " has not committed in the archived WAL (the highest committed there is " + maxXid.get() + ")",
                        "check the transaction id, or wait until more WAL is archived");
            }
        }
    }

    private static boolean onPath(BackupManifest backup, TimelineHistory history) {
        if (!history.includes(backup.timeline())) {
            return false;
        }
        Lsn end = history.endOf(backup.timeline());
        return end == null || Lsn.parse(backup.stopLsn()).compareTo(end) <= 0;
    }

    private static Optional<BackupManifest> newestWhere(List<BackupManifest> ordered, java.util.function.Predicate<BackupManifest> p) {
        for (int i = ordered.size() - 1; i >= 0; i--) {
            if (p.test(ordered.get(i))) {
                return Optional.of(ordered.get(i));
            }
        }
        return Optional.empty();
    }

    private int timelineOf(WalInventory wal, TimelineHistory history, long segment) {
        return wal.segmentOnPath(history, segment).map(w -> Integer.parseInt(w.fileName().substring(0, 8), 16))
                .orElse(history.timeline());
    }

    private Optional<Lsn> lastRecordEnd(WalInventory wal, TimelineHistory history, WalInventory.Reach reach) {
        return wal.segmentOnPath(history, reach.endSegment() - 1)
                .flatMap(repository.wal()::summary)
                .map(WalSummary::endLsn)
                .filter(s -> s != null && !s.isEmpty())
                .map(Lsn::parse);
    }

    /** The newest transaction end in the archive, when the summaries can tell. */
    private record TransactionHorizon(boolean known, Instant last) {
    }

    /** Walks summaries back from the archive's end to the first segment that saw a transaction end. */
    private TransactionHorizon lastTransactionTime(WalInventory wal, TimelineHistory history, WalInventory.Reach reach,
                                                   Lsn backupStart) {
        long first = wal.segmentOf(backupStart);
        for (long s = reach.endSegment() - 1; s >= first; s--) {
            Optional<WalSummary> summary = wal.segmentOnPath(history, s).flatMap(repository.wal()::summary);
            if (summary.isEmpty()) {
                return new TransactionHorizon(false, null); // unknown: do not guess from older segments
            }
            if (summary.get().lastTransactionTime() != null) {
                return new TransactionHorizon(true, summary.get().lastTransactionTime());
            }
        }
        return new TransactionHorizon(true, null);
    }

    private Optional<Long> maxCommittedXid(WalInventory wal, TimelineHistory history, WalInventory.Reach reach) {
        long max = -1;
        for (long s = reach.firstSegment(); s < reach.endSegment(); s++) {
            Optional<WalSummary> summary = wal.segmentOnPath(history, s).flatMap(repository.wal()::summary);
            if (summary.isEmpty()) {
                return Optional.empty();
            }
            if (summary.get().maxCommittedXid() != null) {
                max = Math.max(max, summary.get().maxCommittedXid());
            }
        }
        return max < 0 ? Optional.empty() : Optional.of(max);
    }

    /** The newest restore point of that name in the archive along the path. */
    private Optional<WalSummary.RestorePoint> findRestorePoint(String name, WalInventory wal, TimelineHistory history,
                                                              BackupManifest oldest) {
        WalInventory.Reach reach = wal.reach(history, wal.segmentOf(Lsn.parse(oldest.startLsn())));
        for (long s = reach.endSegment() - 1; s >= reach.firstSegment(); s--) {
            Optional<WalSummary> summary = wal.segmentOnPath(history, s).flatMap(repository.wal()::summary);
            if (summary.isPresent() && summary.get().restorePoints() != null) {
                Optional<WalSummary.RestorePoint> match = summary.get().restorePoints().stream()
                        .filter(p -> p.name().equals(name))
                        .max(Comparator.comparing(p -> Lsn.parse(p.lsn())));
                if (match.isPresent()) {
                    return match;
                }
            }
        }
        return Optional.empty();
    }
}
