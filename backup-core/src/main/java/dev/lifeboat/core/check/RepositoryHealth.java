package dev.lifeboat.core.check;

import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DrillCatalog;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.retention.DurationText;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The questions a monitor asks of a repository besides "is the archive continuous": is the
 * newest backup recent, is WAL still arriving, did the last drill pass, did the last run of
 * every scheduled job succeed. Answers with what it found, problems (fail the check) and
 * warnings (worth reading, not failing).
 */
final class RepositoryHealth {

    /**
     * Limits; a null limit is not checked.
     *
     * @param maxBackupAge  the newest backup must have ended within this long
     * @param maxArchiveAge the newest WAL must have been archived within this long
     * @param maxDrillAge   a drill must have passed within this long; without it, a repository
     *                      no drill ever proved gets only a warning
     */
    record Limits(Duration maxBackupAge, Duration maxArchiveAge, Duration maxDrillAge) {
    }

    private final Repository repository;
    private final Clock clock;

    RepositoryHealth(Repository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    CheckReport.Health assess(List<BackupManifest> backups, WalInventory wal, Limits limits, List<String> problems, List<String> warnings) {
        Instant now = clock.instant();
        BackupManifest newest = backups.stream().filter(b -> b.stopTime() != null).max(Comparator.comparing(BackupManifest::stopTime))
                .orElse(null);
        if (newest == null) {
            problems.add("the repository holds no backup: take one with lifeboat backup");
        } else if (limits.maxBackupAge() != null && Duration.between(newest.stopTime(), now).compareTo(limits.maxBackupAge()) > 0) {
            problems.add("the newest backup, " + newest.id() + ", ended " + ago(newest.stopTime(), now) + " (more than "
                    + DurationText.format(limits.maxBackupAge()) + "): backups are not being taken");
        }

        Instant lastArchived = lastArchived(wal);
        if (limits.maxArchiveAge() != null && (lastArchived == null
                || Duration.between(lastArchived, now).compareTo(limits.maxArchiveAge()) > 0)) {
            problems.add(lastArchived == null ? "no WAL has been archived"
                    : "the newest WAL was archived " + ago(lastArchived, now) + " (more than " + DurationText.format(limits.maxArchiveAge())
                    + "): is archive_command failing, or archive_timeout unset on an idle cluster?");
        }

        Map<String, DrillRecord> verdicts = repository.drills().latestVerdicts();
        DrillRecord newestDrill = verdicts.values().stream().max(Comparator.comparing(DrillRecord::startedAt)).orElse(null);
        DrillCatalog.KnownGood knownGood = DrillCatalog.newestKnownGood(backups, verdicts).orElse(null);
        DrillRecord newestPassed = verdicts.values().stream().filter(DrillRecord::passed)
                .max(Comparator.comparing(DrillRecord::startedAt)).orElse(null);
        if (newestDrill != null && !newestDrill.passed()) {
            problems.add("the newest drill, " + newestDrill.id() + " of backup " + newestDrill.backupId() + ", failed: "
                    + Objects.requireNonNullElse(newestDrill.failure(), "see lifeboat info"));
        }
        if (newestPassed == null) {
            String noDrill = "no drill has proven a backup of this repository: run lifeboat drill";
            (limits.maxDrillAge() != null ? problems : warnings).add(noDrill);
        } else if (limits.maxDrillAge() != null && Duration.between(finished(newestPassed), now).compareTo(limits.maxDrillAge()) > 0) {
            problems.add("the newest passing drill, " + newestPassed.id() + ", ran " + ago(finished(newestPassed), now) + " (more than "
                    + DurationText.format(limits.maxDrillAge()) + ")");
        }

        List<CheckReport.JobResult> jobs = new ArrayList<>();
        for (JobRunLog.Latest latest : new JobRunLog(repository, clock).latestOfEach().values()) {
            JobRun last = latest.last();
            if (last == null) {
                continue; // only running so far
            }
            jobs.add(new CheckReport.JobResult(latest.job(), last.kind(), outcome(last), last.endTime(), last.error()));
            if (last.outcome() != JobRun.Outcome.SUCCEEDED) {
                problems.add("the last run of job " + latest.job() + " (" + last.kind() + ", " + last.startTime() + ") "
                        + outcome(last) + (last.error() == null ? "" : ": " + last.error()));
            }
        }
        return new CheckReport.Health(
                newest == null ? null : newest.id(), newest == null ? null : newest.stopTime(), lastArchived,
                knownGood == null ? null : knownGood.backup().id(),
                newestDrill == null ? null : new CheckReport.DrillResult(newestDrill.id(), newestDrill.backupId(),
                        newestDrill.verdict().jsonName(), finished(newestDrill), newestDrill.failure()),
                jobs, newestPassed == null ? null : finished(newestPassed), rtoSeconds(newestPassed));
    }

    private static Instant lastArchived(WalInventory wal) {
        Instant last = null;
        for (int tli : wal.timelines()) {
            for (ArchivedWal segment : wal.segments(tli).values()) {
                if (segment.archivedAt() != null && (last == null || segment.archivedAt().isAfter(last))) {
                    last = segment.archivedAt();
                }
            }
        }
        return last;
    }

    private static Double rtoSeconds(DrillRecord drill) {
        if (drill == null || drill.timings() == null || drill.timings().rto() == null) {
            return null;
        }
        return drill.timings().rto().toMillis() / 1000.0;
    }

    private static Instant finished(DrillRecord drill) {
        return drill.finishedAt() != null ? drill.finishedAt() : drill.startedAt();
    }

    private static String outcome(JobRun run) {
        return run.outcome() == null ? "running" : run.outcome().name().toLowerCase(Locale.ROOT);
    }

    /** "3 h ago" in the largest whole unit, for a line a person reads. */
    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative()) {
            return "in the future (" + then + ")";
        }
        if (d.toDays() >= 2) {
            return d.toDays() + " days ago";
        }
        if (d.toHours() >= 1) {
            return d.toHours() + " h ago";
        }
        if (d.toMinutes() >= 1) {
            return d.toMinutes() + " min ago";
        }
        return d.toSeconds() + " s ago";
    }
}
