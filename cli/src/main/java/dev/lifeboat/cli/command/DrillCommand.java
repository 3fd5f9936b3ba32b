package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.LifeboatInvocation;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.report.ReportFile;
import dev.lifeboat.core.drill.CheckFile;
import dev.lifeboat.core.drill.DrillRequest;
import dev.lifeboat.core.drill.DrillResult;
import dev.lifeboat.core.drill.DrillService;
import dev.lifeboat.core.drill.JunitReport;
import dev.lifeboat.core.drill.UserCheck;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Prove a backup by restoring it: restore it into a scratch directory, start it on a free",
                "port, wait until it takes writes, check it (system identifier, pg_amcheck of every database,",
                "row counts, your SQL checks), stop and remove it, and record the verdict in the repository.",
                "A backup whose newest drill passed is known-good (restore --target last-known-good).",
                "Exits 13 when a check fails. The source cluster is never contacted; the scratch instance",
                "fetches WAL from the repository and never archives."})
public final class DrillCommand extends LifeboatSubcommand {

    private static final int TABLES_SHOWN = 20;

    @Mixin
    RepositoryOption repo;

    @Mixin
    PostgresOptions login;

    @Mixin
    PgBinOption pgBin;

    @Option(names = "--backup", paramLabel = "ID|latest", description = "The backup to drill (default: latest, the newest that reaches the target).")
    String backupId;

    @Mixin
    RecoveryTargetOptions targetOptions;

    @Option(names = "--checks", paramLabel = "FILE",
            description = {"SQL checks: statements ending with ';' at the end of a line, each optionally preceded by",
                    "'-- name: ...', '-- expect: true | no rows | count >= N | count between A and B', '-- database: ...'."})
    Path checksFile;

    @Option(names = "--checks-database", paramLabel = "DB", defaultValue = DrillRequest.DEFAULT_CHECKS_DATABASE,
            description = "Database for checks without '-- database:' (default: ${DEFAULT-VALUE}).")
    String checksDatabase;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report (one test case per check) for CI.")
    Path junit;

    @Option(names = "--report-html", paramLabel = "FILE",
            description = "Also write the HTML report of this repository (as lifeboat report --html), with this drill in it, for CI.")
    Path reportHtml;

    @Option(names = "--keep", description = "Leave the scratch instance running (and its directory) to look at.")
    boolean keep;

    @Option(names = "--scratch", paramLabel = "DIR", description = "Where to make the scratch directory (default: the temporary directory).")
    Path scratch;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "A setting for the scratch instance (repeatable), e.g. --set shared_buffers=256MB.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "Objects fetched and written at once (default: number of CPUs).")
    Integer jobs;

    @Option(names = "--start-timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS",
            defaultValue = DrillRequest.DEFAULT_START_TIMEOUT_SECONDS,
            description = "How long to wait for recovery and the first write (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    @Option(names = "--check-timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS",
            defaultValue = DrillRequest.DEFAULT_CHECK_TIMEOUT_SECONDS,
            description = "How long one check (a statement, pg_amcheck of one database) may run (default: ${DEFAULT-VALUE}).")
    long checkTimeoutSeconds;

    public DrillCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<UserCheck> checks = checksFile == null ? List.of() : CheckFile.read(checksFile);
        String backup = backupId == null || backupId.equalsIgnoreCase("latest") ? null : backupId;
        try (Repository repository = repo.open()) {
            DrillRequest request = DrillRequest.builder().backupId(backup).target(targetOptions.target())
                    .targetTimeline(targetOptions.timeline()).checks(checks).checksDatabase(checksDatabase).keep(keep)
                    .scratchParent(scratch).lifeboat(LifeboatInvocation.command(context), LifeboatInvocation.options(context))
                    .login(login.settings(context.env())).settings(settings)
                    .startTimeout(Duration.ofSeconds(startTimeoutSeconds)).checkTimeout(Duration.ofSeconds(checkTimeoutSeconds))
                    .jobs(jobs).pgBin(pgBin.choice()).progress(TerminalProgress.forTerminal(err(), common().output == OutputFormat.text)).build();
            // restore_command names the repository as given (--repo or configured) and its key file
            List<String> walSource = repo.arguments(repo.selected().stream().map(RepositoryConfig::name).toList());
            DrillResult result = new DrillService(repository, walSource).run(request);
            if (junit != null) {
                JunitReport.write(result.drill(), junit);
            }
            if (reportHtml != null) {
                ReportFile.write(ReportCommand.reportOf(repository, repo.selected().get(0).name(), ReportCommand.DEFAULT_WAL_PERIOD), reportHtml);
            }
            print(result, out -> printText(out, result));
            if (result.recordFailure() != null) {
                return failed(ErrorCode.STORAGE, result.recordFailure(), "the drill ran but its verdict is not in the repository; run it again");
            }
            if (!result.drill().passed()) {
                return failed(ErrorCode.CHECK_FAILED, "drill of backup " + result.drill().backupId() + " failed: " + result.drill().failure(),
                        "the backup is not known-good; see the report above" + (junit == null ? "" : " or " + junit));
            }
        }
        return 0;
    }

    private void printText(PrintStream out, DrillResult result) {
        DrillRecord d = result.drill();
        DrillRecord.Timings t = d.timings();
        out.printf("drill %s of backup %s: %s%n", d.id(), d.backupId(), d.passed() ? "PASSED" : "FAILED");
        out.printf("  target     %s%s%n", d.target(),
                d.replayedTo() == null ? "" : ", replayed WAL up to " + d.replayedTo() + " on timeline " + d.recoveryTimeline());
        if (t != null) {
            if (t.files() != null) {
                out.printf("  restore    %6.1f s%n", seconds(t.files()));
            }
            if (t.toOpenForWrites() != null) {
                out.printf("  recovery   %6.1f s to consistent, %.1f s to promoted, %.1f s to open for writes%n",
                        seconds(t.toConsistent()), seconds(t.toPromoted()), seconds(t.toOpenForWrites()));
                out.printf("  RTO        %6.1f s  (from the start of the restore until the instance took a write)%n", seconds(t.rto()));
            }
            if (t.checks() != null) {
                out.printf("  checks     %6.1f s%n", seconds(t.checks()));
            }
        }
        int width = d.checks().stream().mapToInt(c -> c.name().length()).max().orElse(10);
        for (DrillRecord.Check c : d.checks()) {
            String verdict = switch (c.verdict()) {
                case PASSED -> "PASS";
                case FAILED -> "FAIL";
                case SKIPPED -> "SKIP";
            };
            out.printf("  %s  %-" + width + "s  %s%n", verdict, c.name(), c.detail());
            if (c.verdict() == DrillRecord.CheckVerdict.FAILED && c.statement() != null) {
                c.statement().lines().forEach(line -> out.println("          " + line));
            }
        }
        if (!d.tables().isEmpty()) {
            out.println("  rows per table (largest first):");
            d.tables().stream().sorted(Comparator.comparingLong(DrillRecord.TableRows::rows).reversed()).limit(TABLES_SHOWN)
                    .forEach(r -> out.printf("    %,14d  %s.%s%n", r.rows(), r.database(), r.table()));
            if (d.tables().size() > TABLES_SHOWN) {
                out.printf("    ... and %d more tables (all of them in --output json and the recorded drill)%n", d.tables().size() - TABLES_SHOWN);
            }
        }
        out.printf("PostgreSQL %s, Lifeboat %s, host %s%n", d.pgVersion(), d.lifeboatVersion(), d.host());
        if (result.recordKey() != null) {
            out.println("recorded as " + result.recordKey());
        }
        if (junit != null) {
            out.println("JUnit report: " + junit);
        }
        if (reportHtml != null) {
            out.println("HTML report: " + reportHtml);
        }
        if (result.keptDataDirectory() != null) {
            out.printf("kept running on port %d: %s (stop it with pg_ctl -D %s stop, then remove the directory)%n",
                    result.keptPort(), result.keptDataDirectory(), result.keptDataDirectory());
        }
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }
}
