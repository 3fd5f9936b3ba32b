package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.check.CheckReport;
import dev.lifeboat.core.check.CheckService;
import dev.lifeboat.core.check.MonitorChecks;
import dev.lifeboat.core.check.MonitoredCheck;
import dev.lifeboat.core.check.RecoveryPointObjective;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.core.retention.DurationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

@Command(name = "check", aliases = "status", mixinStandardHelpOptions = true,
        description = {"Is everything needed for a restore there, and still coming? Checks that every backup can be",
                "restored to the newest archived WAL of each timeline (lists each missing segment), that the newest",
                "backup is recent (--max-backup-age), that the newest drill passed, that the last run of every",
                "scheduled job succeeded and, with --pgdata, that archiving keeps up (ready backlog, archiver",
                "failures, WAL kept by replication slots). 'status' is the same command.",
                "Exits 0 when all is well, 13 when something is wrong (one FAIL line per problem); WARN lines",
                "(e.g. no drill ever proved a backup) do not fail it unless --max-drill-age asks.",
                "--output nagios: one status line with performance data, one line per check, exit 0 OK, 1 WARNING,",
                "2 CRITICAL, 3 UNKNOWN, judged by the --*-warning / --*-critical limits. --output prometheus: the",
                "metrics in the text exposition format, on stdout or atomically into --prometheus-file.",
                "--output json also gives each check's state, value and limits."})
public final class CheckCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "Also check this running cluster: its ready backlog, archiver and slots.")
    Path pgdata;

    @Mixin
    PostgresOptions postgres;

    @Mixin
    PostgresTlsOptions tls;

    @Option(names = "--max-ready", converter = NumberValues.NonNegativeInt.class, paramLabel = "N", defaultValue = "64",
            description = "More WAL files than this waiting to be archived is a problem (default: ${DEFAULT-VALUE}).")
    int maxReady;

    @Option(names = "--max-slot-lag", converter = NumberValues.NonNegativeLong.class, paramLabel = "MiB", defaultValue = "1024",
            description = "A replication slot keeping more WAL than this is a problem (default: ${DEFAULT-VALUE}).")
    long maxSlotLagMiB;

    @Option(names = "--max-backup-age", converter = TextValues.PositiveDurationOrOff.class, paramLabel = "DURATION", defaultValue = "26h",
            description = {"The newest backup ending longer ago than this is a problem (default: ${DEFAULT-VALUE}, a daily",
                    "schedule with slack; e.g. 8d for weekly backups; 'off' to skip)."})
    String maxBackupAge;

    @Option(names = "--max-archive-age", converter = TextValues.PositiveDurationOrOff.class, paramLabel = "DURATION", defaultValue = "off",
            description = {"The newest WAL archived longer ago than this is a problem (default: ${DEFAULT-VALUE}; useful",
                    "with archive_timeout set, e.g. 15m)."})
    String maxArchiveAge;

    @Option(names = "--max-drill-age", converter = TextValues.PositiveDurationOrOff.class, paramLabel = "DURATION", defaultValue = "off",
            description = {"No drill passing within this long is a problem (default: ${DEFAULT-VALUE}: a repository no",
                    "drill ever proved is a warning; a failed newest drill is always a problem)."})
    String maxDrillAge;

    @Mixin
    MonitorThresholdOptions thresholds;

    @Option(names = "--prometheus-file", paramLabel = "FILE",
            description = {"With --output prometheus: write the metrics to this file (atomically, through a temporary file in",
                    "its directory) instead of stdout, e.g. into node_exporter's textfile directory as lifeboat.prom."})
    Path prometheusFile;

    public CheckCommand(CliContext context) {
        super(context);
    }

    @Override
    protected boolean answersMonitors() {
        return true;
    }

    @Override
    protected int execute() {
        if (output().forMonitors()) {
            return monitor();
        }
        CheckReport report = judged(run());
        print(report, out -> printText(out, report));
        return report.passed() ? 0 : ErrorCode.CHECK_FAILED.exitCode();
    }

    private CheckReport run() {
        try (Repository repository = repo.open()) {
            return run(repository);
        }
    }

    private CheckReport run(Repository repository) {
        return new CheckService(repository).run(new CheckService.Request(
                pgdata == null ? null : pgdata.toAbsolutePath().normalize(),
                pgdata == null ? null : postgres.settings(context.env(), tls), maxReady, maxSlotLagMiB << 20,
                limit(maxBackupAge, "--max-backup-age"), limit(maxArchiveAge, "--max-archive-age"), limit(maxDrillAge, "--max-drill-age")));
    }

    private CheckReport judged(CheckReport report) {
        return report.withChecks(judge().judge(report, RepositorySpace.of(report.location())));
    }

    private MonitorChecks judge() {
        return new MonitorChecks(thresholds.limits(), Instant.now());
    }

    /** Nagios and Prometheus: every chosen repository, as a monitor sees it (see {@link MonitoredRepositories}). */
    private int monitor() {
        List<RepositoryConfig> members;
        try {
            members = repo.selected();
        } catch (LifeboatException e) {
            if (output() == OutputFormat.prometheus) {
                throw e; // nothing to write metrics about
            }
            return nagios(MonitoredRepositories.none(e));
        }
        List<MonitoredRepositories.Checked> checked = new MonitoredRepositories(this::open, r -> judged(run(r)), judge()).check(members);
        if (output() == OutputFormat.prometheus) {
            PrometheusExposition metrics = new PrometheusExposition();
            checked.forEach(c -> metrics.add(c.member().location(), c.report(), c.checks()));
            if (prometheusFile != null) {
                metrics.writeFile(prometheusFile);
            } else {
                metrics.write(out());
            }
            return 0;
        }
        List<MonitoredCheck> all = new ArrayList<>();
        for (MonitoredRepositories.Checked c : checked) {
            all.addAll(checked.size() == 1 ? c.checks() : c.checks().stream().map(m -> m.of(c.member().name())).toList());
        }
        return nagios(all);
    }

    private Repository open(String location) {
        BlobStore store = repo.openStore(location);
        try {
            return Repository.open(store, repo.keys());
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private int nagios(List<MonitoredCheck> checks) {
        NagiosStatus status = new NagiosStatus(checks);
        status.print(out());
        out().flush();
        return status.state().exitCode();
    }

    private static Duration limit(String text, String option) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, option + ": " + e.getMessage(), "e.g. " + option + " 26h, or off");
        }
    }

    private static Instant seconds(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS);
    }

    private static void printText(PrintStream out, CheckReport report) {
        out.println("repository " + report.location());
        CheckReport.Health h = report.health();
        out.println("newest backup: " + (h.newestBackup() == null ? "none" : h.newestBackup() + ", ended " + seconds(h.newestBackupEnded())));
        out.println("last WAL archived: " + (h.lastArchived() == null ? "never" : seconds(h.lastArchived())));
        CheckReport.DrillResult drill = h.newestDrill();
        out.println("newest drill: " + (drill == null ? "none" : drill.id() + " of " + drill.backupId() + ", " + drill.verdict()
                + (drill.failure() == null ? "" : " (" + drill.failure() + ")")));
        out.println("last known-good backup: " + (h.lastKnownGood() == null ? "none" : h.lastKnownGood()));
        RecoveryPointObjective rpo = report.rpo();
        if (rpo != null) {
            out.println("RPO: " + (rpo.seconds() == null ? "not measured" : NagiosStatus.number(rpo.seconds()) + " s") + " (" + rpo.basis() + ")"
                    + "; newest restorable commit: " + (rpo.newestRestorable() == null ? "unknown" : seconds(rpo.newestRestorable())
                    + " (" + rpo.restorableAgeSeconds() + " s ago)")
                    + "; last drill's RTO: " + (h.lastPassedDrillRtoSeconds() == null ? "none" : NagiosStatus.number(h.lastPassedDrillRtoSeconds()) + " s"));
        }
        for (CheckReport.JobResult job : h.jobs()) {
            out.printf("job %s (%s): %s%s%n", job.job(), job.kind(), job.outcome(), job.endedAt() == null ? "" : " at " + seconds(job.endedAt()));
        }
        for (CheckReport.TimelineWal t : report.timelines()) {
            out.printf("timeline %d: %d segments from %s to %s, %s%n", t.timeline(), t.segments(), t.from(), t.newest(),
                    t.gaps().isEmpty() ? "no gap" : t.gaps().size() + " gaps");
            for (CheckReport.Gap gap : t.gaps()) {
                out.printf("  GAP: missing %s..%s (%d segments)%n", gap.firstMissing(), gap.lastMissing(), gap.segments());
            }
            if (t.streamedUpTo() != null) {
                out.printf("  streamed: %s, stored %s%n", t.streamedUpTo(), t.streamedAt());
            }
        }
        CheckReport.ClusterArchiving c = report.cluster();
        if (c != null) {
            out.printf("cluster: %d WAL files ready to archive%s%s%n", c.ready(), c.oldestReady() == null ? "" : " (oldest " + c.oldestReady() + ")",
                    c.failedCount() == null ? "" : ", " + c.failedCount() + " archive failures so far"
                            + (c.lastFailedWal() == null ? "" : " (last " + c.lastFailedWal() + ")"));
            for (CheckReport.Slot s : c.slots()) {
                out.printf("  slot %s (%s, %s): keeps %s of WAL from %s%s%n", s.name(), s.type(), s.active() ? "active" : "inactive",
                        s.retainedBytes() == null ? "nothing" : InfoCommand.size(s.retainedBytes()), s.restartLsn(),
                        s.walStatus() == null ? "" : ", " + s.walStatus());
            }
        }
        for (String warning : report.warnings()) {
            out.println("WARN: " + warning);
        }
        if (report.passed()) {
            out.println("PASS");
        } else {
            for (String problem : report.problems()) {
                out.println("FAIL: " + problem);
            }
        }
    }
}
