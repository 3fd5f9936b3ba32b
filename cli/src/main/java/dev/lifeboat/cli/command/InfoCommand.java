package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.info.InfoService;
import dev.lifeboat.core.info.RepositoryInfo;
import dev.lifeboat.core.repo.ForEachRepository;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.restore.RecoveryTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Show the backups in a repository and its archived WAL per timeline, with any gap.",
                "With several repositories configured, shows each (or those chosen with --repo-name)."})
public final class InfoCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    public InfoCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<RepositoryConfig> members = repo.selected();
        if (members.size() == 1) {
            try (Repository repository = repo.open()) {
                RepositoryInfo info = new InfoService(repository).run();
                print(info, out -> printText(out, info));
            }
            return 0;
        }
        List<ForEachRepository.Outcome<RepositorySummary>> outcomes;
        try (RepositorySet repositories = repo.openSet()) {
            outcomes = new ForEachRepository(Failures::asLifeboatException).run(repositories.members(), member -> {
                RepositoryInfo info = new InfoService(repositories.open(member.name())).run();
                Long queued = member.required() ? null : repositories.queueFor(member.name()).size();
                return new RepositorySummary(member.name(), member.required(), queued, info, null);
            });
        }
        List<RepositorySummary> summaries = outcomes.stream().map(o -> o.succeeded() ? o.result()
                : new RepositorySummary(o.repository().name(), o.repository().required(), null, null, o.failure().getMessage())).toList();
        print(Map.of("repositories", summaries), out -> {
            for (RepositorySummary summary : summaries) {
                out.println("== " + summary.name() + (summary.required() ? " (required)" : "")
                        + (summary.queuedWal() != null && summary.queuedWal() > 0 ? ", " + summary.queuedWal() + " WAL files queued for it" : ""));
                if (summary.info() != null) {
                    printText(out, summary.info());
                } else {
                    out.println("unavailable: " + summary.error());
                }
                out.println();
            }
        });
        ForEachRepository.throwFirstFailure(outcomes, member -> "repository " + member.name() + ": ");
        return 0;
    }

    /** One configured repository in the output; {@code queuedWal} counts WAL still to be copied to it. */
    public record RepositorySummary(String name, boolean required, Long queuedWal, RepositoryInfo info, String error) {
    }

    private static void printText(PrintStream out, RepositoryInfo info) {
        out.println("repository " + info.location());
        out.println("  cluster " + info.systemIdentifier() + ", PostgreSQL " + info.pgVersion() + ", compression " + info.compression());
        out.println();
        if (info.backups().isEmpty()) {
            out.println("no backups");
        } else {
            out.printf("%-18s %-7s %-4s %3s  %-22s %-22s %-12s %-12s %12s %12s  %-7s %8s%n", "BACKUP", "STATUS", "TYPE", "TL", "STARTED",
                    "ENDED", "START LSN", "STOP LSN", "SIZE", "STORED", "DRILL", "RTO");
            for (RepositoryInfo.Backup b : info.backups()) {
                RepositoryInfo.Drill d = b.drill();
                boolean known = b.startLsn() != null;
                out.printf("%-18s %-7s %-4s %3s  %-22s %-22s %-12s %-12s %12s %12s  %-7s %8s%n", b.id(), b.status(),
                        b.type() == null ? "-" : b.type(), b.timeline() == null ? "-" : b.timeline(),
                        time(b.startTime()), time(b.stopTime()), known ? b.startLsn() : "-", known ? b.stopLsn() : "-",
                        known ? size(b.bytes()) : "-", known ? size(b.storedBytes()) : "-",
                        d == null ? "-" : d.verdict(), d == null || d.rto() == null ? "-" : String.format("%.1f s", d.rto().toNanos() / 1e9));
            }
            for (RepositoryInfo.Backup b : info.backups()) {
                if (b.problem() != null) {
                    out.println("  " + b.id() + " is DAMAGED and cannot be restored: " + b.problem());
                }
                for (var c : b.corruptPages()) {
                    out.println("  " + b.id() + " holds CORRUPT PAGES (checksum failed in the cluster): " + c.describe());
                }
            }
            for (RepositoryInfo.Backup b : info.backups()) {
                if (Boolean.TRUE.equals(b.fromStandby())) {
                    out.println("  " + b.id() + " was taken from a standby");
                }
                for (var t : b.tablespaces()) {
                    out.println("  " + b.id() + " tablespace " + (t.name() == null ? "-" : t.name()) + " (oid " + t.oid() + ") at " + t.location());
                }
            }
            out.println("last known-good: " + (info.lastKnownGood() == null ? "none (no backup has passed a drill)" : info.lastKnownGood()));
            for (RepositoryInfo.Backup b : info.backups()) {
                if (b.drill() != null && b.drill().failure() != null) {
                    out.println("  " + b.id() + " drill " + b.drill().id() + " failed: " + b.drill().failure());
                }
            }
        }
        out.println();
        if (info.wal().isEmpty()) {
            out.println("no archived WAL");
        }
        for (RepositoryInfo.Timeline t : info.wal()) {
            out.printf("timeline %d%s: %d segments, %s .. %s, last archived %s%n", t.timeline(),
                    t.parent() == null ? "" : " (from timeline " + t.parent() + " at " + t.branchLsn() + ")",
                    t.segments(), t.firstSegment() == null ? "-" : t.firstSegment(), t.lastSegment() == null ? "-" : t.lastSegment(),
                    time(t.lastArchivedAt()));
            for (String gap : t.gaps()) {
                out.println("  GAP: missing " + gap);
            }
            if (t.streamedSegment() != null) {
                out.println("  streamed: " + t.streamedSegment() + " (its received part, stored " + time(t.streamedAt()) + ")");
            }
        }
        RepositoryInfo.RecoveryPoint point = info.recoveryPoint();
        if (point != null) {
            out.println("restorable up to " + point.restorableLsn() + " on timeline " + point.timeline() + " (" + point.lastSegment()
                    + (point.streamed() ? ", streamed" : "") + "), newest restorable commit "
                    + (point.newestRestorableCommit() == null ? "unknown" : time(point.newestRestorableCommit()) + " (" + point.restorableAgeSeconds() + " s ago)")
                    + "; last drill's RTO " + (point.lastDrillRtoSeconds() == null ? "-" : String.format("%.1f s", point.lastDrillRtoSeconds()))
                    + " (lifeboat check --pgdata measures the RPO)");
        }
        if (!info.jobs().isEmpty()) {
            out.println();
            out.printf("%-24s %-9s %-11s %-22s %-22s %s%n", "JOB", "KIND", "LAST", "STARTED", "LAST SUCCESS", "RESULT");
            for (RepositoryInfo.Job j : info.jobs()) {
                String result = j.lastError() != null ? j.lastError() : j.lastSummary() == null ? "" : j.lastSummary();
                out.printf("%-24s %-9s %-11s %-22s %-22s %s%n", j.name(), j.kind(), j.lastOutcome() == null ? "-" : j.lastOutcome(),
                        time(j.lastStart()), time(j.lastSuccess()), result);
                if (j.runningSince() != null) {
                    out.println("  running since " + time(j.runningSince()));
                }
            }
        }
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : RecoveryTarget.formatForPostgres(instant).replaceFirst("\\.\\d+", "");
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format("%.1f KiB", bytes / 1024.0);
    }
}
