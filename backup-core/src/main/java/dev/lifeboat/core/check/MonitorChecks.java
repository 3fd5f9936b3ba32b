package dev.lifeboat.core.check;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a {@link CheckReport} the way a monitor asks: each check gets a state (OK, WARNING,
 * CRITICAL, UNKNOWN) from the value measured and its limits. Damage to what is stored (a gap in
 * the archive, a damaged backup, a failed drill, a failed job) is critical whatever the limits:
 * a restore would fail.
 */
public final class MonitorChecks {

    private final MonitorLimits limits;
    private final Instant now;

    public MonitorChecks(MonitorLimits limits, Instant now) {
        this.limits = limits;
        this.now = now;
    }

    /**
     * The checks of a repository that could be read.
     *
     * @param space the free space of a directory repository's file system, or null for other stores
     */
    public List<MonitoredCheck> judge(CheckReport report, StoreSpace space) {
        List<MonitoredCheck> checks = new ArrayList<>();
        checks.add(repository(report.location(), space));
        CheckReport.Health h = report.health();
        checks.add(h.newestBackupEnded() == null
                ? MonitoredCheck.unmeasured("backup_age", CheckState.CRITICAL, "s", limits.backupAge(), "the repository holds no backup")
                : age("backup_age", h.newestBackupEnded(), limits.backupAge(), "newest backup " + h.newestBackup() + " ended"));
        checks.add(h.lastArchived() == null
                ? MonitoredCheck.unmeasured("archive_age", limits.archiveAge().critical() == null && limits.archiveAge().warning() == null
                        ? CheckState.OK : CheckState.CRITICAL, "s", limits.archiveAge(), "no WAL has been archived")
                : age("archive_age", h.lastArchived(), limits.archiveAge(), "newest WAL archived"));
        checks.add(gaps(report));
        checks.add(MonitoredCheck.fixed("damaged_objects", report.damage().isEmpty() ? CheckState.OK : CheckState.CRITICAL,
                (double) report.damage().size(), "", report.damage().isEmpty() ? "no damaged backup or WAL object"
                        : report.damage().size() + " damaged: " + report.damage().get(0)));
        checks.add(corruptPages(report.corruptPages()));
        CheckReport.ClusterArchiving cluster = report.cluster();
        if (cluster != null) {
            checks.add(MonitoredCheck.judged("ready_backlog", cluster.ready(), "", limits.readyBacklog(),
                    cluster.ready() + " WAL files wait to be archived" + (cluster.oldestReady() == null ? "" : " (oldest " + cluster.oldestReady() + ")")));
            checks.addAll(archiver(cluster));
        }
        if (report.rpo() != null) {
            checks.add(rpo(report.rpo(), cluster != null, h.lastPassedDrillRtoSeconds()));
        }
        checks.add(drillAge(h));
        checks.add(drillVerdict(h.newestDrill()));
        checks.add(jobs(h.jobs()));
        return checks;
    }

    /**
     * The measured RPO, with the last drill's RTO beside it. Without the cluster there is nothing to
     * measure against: the newest restorable commit is shown, and the check stays OK.
     */
    private MonitoredCheck rpo(RecoveryPointObjective rpo, boolean clusterAsked, Double rtoSeconds) {
        String rto = rtoSeconds == null ? "" : String.format(Locale.ROOT, "; last drill's RTO %.1f s", rtoSeconds);
        String restorable = rpo.newestRestorable() == null ? "no restorable commit is known"
                : "newest restorable commit " + rpo.newestRestorable() + " (" + RepositoryHealth.ago(rpo.newestRestorable(), now) + ")";
        if (rpo.seconds() == null) {
            return MonitoredCheck.unmeasured("rpo", clusterAsked ? CheckState.UNKNOWN : CheckState.OK, "s", limits.rpo(),
                    "RPO not measured: " + rpo.basis() + "; " + restorable + rto);
        }
        double seconds = Math.round(rpo.seconds() * 1000) / 1000.0;
        return MonitoredCheck.judged("rpo", seconds, "s", limits.rpo(), "RPO " + seconds(seconds) + " s: "
                + rpo.basis() + "; " + restorable + rto);
    }

    private static String seconds(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value).replaceFirst("0+$", "");
    }

    /** The only check of a repository that could not be opened or read: critical, naming why. */
    public static List<MonitoredCheck> unreachable(String location, String why) {
        return List.of(MonitoredCheck.fixed("repository", CheckState.CRITICAL, 0.0, "", "repository " + location + " cannot be read: " + why));
    }

    /** A check that could not be evaluated at all (e.g. no key for an encrypted repository). */
    public static List<MonitoredCheck> unknown(String location, String why) {
        return List.of(MonitoredCheck.fixed("repository", CheckState.UNKNOWN, null, "", "repository " + location + " cannot be checked: " + why));
    }

    /**
     * How far one of several repositories lags: the time between the newest WAL archived in any of
     * them and the newest archived in this one (WAL copied late by replicate, or a region that
     * stopped taking pushes).
     *
     * @param newestAnywhere the newest archive time over all repositories read
     * @param newestHere     this repository's, or null when it holds no WAL
     */
    public MonitoredCheck lag(Instant newestAnywhere, Instant newestHere) {
        if (newestHere == null) {
            return MonitoredCheck.unmeasured("repository_lag", newestAnywhere == null ? CheckState.OK : CheckState.CRITICAL, "s",
                    limits.repositoryLag(), "holds no WAL while another repository does");
        }
        long seconds = Math.max(0, Duration.between(newestHere, newestAnywhere).toSeconds());
        return MonitoredCheck.judged("repository_lag", seconds, "s", limits.repositoryLag(),
                seconds == 0 ? "holds the newest WAL archived" : "its newest WAL is " + seconds + " s behind the newest in another repository");
    }

    /** The state of the whole: the worst of its checks. */
    public static CheckState overall(List<MonitoredCheck> checks) {
        return CheckState.worst(checks.stream().map(MonitoredCheck::state).toList());
    }

    private MonitoredCheck repository(String location, StoreSpace space) {
        if (space == null) {
            return MonitoredCheck.fixed("repository", CheckState.OK, null, "", "repository " + location + " is readable");
        }
        double free = Math.round(space.freePercent() * 10) / 10.0;
        return MonitoredCheck.judged("repository_free_space", free, "%", limits.freeSpace(),
                "repository " + location + " is readable; " + String.format(Locale.ROOT, "%.1f", free) + " % of its file system is free ("
                        + (space.usableBytes() >> 20) + " MiB)");
    }

    private MonitoredCheck age(String name, Instant then, Threshold limits, String what) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        return MonitoredCheck.judged(name, seconds, "s", limits, what + " " + RepositoryHealth.ago(then, now));
    }

    private static MonitoredCheck gaps(CheckReport report) {
        long missing = 0;
        String first = null;
        for (CheckReport.TimelineWal t : report.timelines()) {
            for (CheckReport.Gap gap : t.gaps()) {
                missing += gap.segments();
                if (first == null) {
                    first = gap.firstMissing() + (gap.segments() > 1 ? ".." + gap.lastMissing() : "");
                }
            }
        }
        return MonitoredCheck.fixed("wal_gaps", missing == 0 ? CheckState.OK : CheckState.CRITICAL, (double) missing, "",
                missing == 0 ? "the archived WAL is continuous" : missing + " WAL segments missing (" + first + "): restores stop there");
    }

    /**
     * A warning, not critical: the backups are whole and restore what the cluster held, but that
     * includes pages the cluster itself has damaged (its storage or a bug): someone must look.
     */
    private static MonitoredCheck corruptPages(List<CheckReport.BackupCorruptPages> found) {
        if (found.isEmpty()) {
            return MonitoredCheck.fixed("corrupt_pages", CheckState.OK, 0.0, "", "no backup holds a page whose checksum failed");
        }
        long pages = found.stream().mapToLong(CheckReport.BackupCorruptPages::pages).sum();
        CheckReport.BackupCorruptPages newest = found.get(0);
        return MonitoredCheck.fixed("corrupt_pages", CheckState.WARNING, (double) pages, "",
                found.size() + (found.size() == 1 ? " backup holds " : " backups hold ") + "corrupt pages; " + newest.backupId()
                        + ": " + newest.files().get(0).describe() + (newest.files().size() > 1 ? " and more" : ""));
    }

    private List<MonitoredCheck> archiver(CheckReport.ClusterArchiving cluster) {
        if (cluster.connection() != null) {
            return List.of(MonitoredCheck.fixed("archiver_failures", CheckState.UNKNOWN, null, "", "cannot ask the cluster: " + cluster.connection()));
        }
        if (cluster.failedCount() == null) {
            return List.of(); // only the data directory was given
        }
        // pg_stat_archiver counts failures since its statistics were reset: while the archiver is failing
        // that count is the failures since its last success (or more, if it failed before and recovered).
        long failures = cluster.failingSince() == null ? 0 : cluster.failedCount();
        List<MonitoredCheck> checks = new ArrayList<>();
        checks.add(MonitoredCheck.judged("archiver_failures", failures, "", limits.archiverFailures(), failures == 0
                ? "the archiver's last attempt succeeded"
                : "the archiver is failing since " + cluster.failingSince() + " on " + cluster.lastFailedWal() + " (" + failures + " failures)"));
        long worstSlot = 0;
        String slotName = null;
        for (CheckReport.Slot s : cluster.slots()) {
            if (s.retainedBytes() != null && s.retainedBytes() >= worstSlot) {
                worstSlot = s.retainedBytes();
                slotName = s.name();
            }
        }
        checks.add(MonitoredCheck.judged("slot_lag", worstSlot, "B", limits.slotLag(),
                slotName == null ? "no replication slot keeps WAL" : "slot " + slotName + " keeps " + (worstSlot >> 20) + " MiB of WAL"));
        return checks;
    }

    private MonitoredCheck drillAge(CheckReport.Health h) {
        if (h.lastPassedDrill() == null) {
            Threshold t = limits.drillAge();
            CheckState state = t.warning() == null && t.critical() == null ? CheckState.OK : CheckState.WARNING;
            return MonitoredCheck.unmeasured("drill_age", state, "s", t, "no drill has proven a backup of this repository: run lifeboat drill");
        }
        return age("drill_age", h.lastPassedDrill(), limits.drillAge(), "newest passing drill finished");
    }

    private static MonitoredCheck drillVerdict(CheckReport.DrillResult drill) {
        if (drill == null) {
            return MonitoredCheck.fixed("drill_verdict", CheckState.OK, null, "", "no drill yet");
        }
        boolean passed = "passed".equals(drill.verdict());
        return MonitoredCheck.fixed("drill_verdict", passed ? CheckState.OK : CheckState.CRITICAL, passed ? 1.0 : 0.0, "",
                "newest drill " + drill.id() + " of backup " + drill.backupId() + " " + drill.verdict()
                        + (drill.failure() == null ? "" : ": " + drill.failure()));
    }

    private static MonitoredCheck jobs(List<CheckReport.JobResult> jobs) {
        List<String> failed = jobs.stream().filter(j -> !"succeeded".equals(j.outcome())).map(j -> j.job() + " " + j.outcome()).toList();
        return MonitoredCheck.fixed("jobs", failed.isEmpty() ? CheckState.OK : CheckState.CRITICAL, (double) failed.size(), "",
                failed.isEmpty() ? jobs.size() + " scheduled jobs, last runs succeeded" : "last run failed: " + String.join(", ", failed));
    }
}
