package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.cli.report.ReportFile;
import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ForEachRepository;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.report.Report;
import dev.lifeboat.core.report.ReportService;
import dev.lifeboat.core.report.RepositoryReport;
import dev.lifeboat.core.retention.DurationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write an HTML page with plots of each repository's history: backup duration and size, WAL archived per hour",
                "and the largest backlog, the recoverable window with gaps, drill RTO with verdicts, and job runs.",
                "The page is one self-contained file (no scripts, nothing fetched). --output json prints the same numbers."})
public final class ReportCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML page to FILE (replaced atomically).")
    Path html;

    /** The WAL plot's period unless --since says otherwise; also what drill --report-html shows. */
    static final String DEFAULT_SINCE = "7d";
    static final Duration DEFAULT_WAL_PERIOD = DurationText.parse(DEFAULT_SINCE);

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = DEFAULT_SINCE,
            description = "How far back the WAL-per-hour plot reaches, e.g. 48h or 30d (default: ${DEFAULT-VALUE}).")
    String since;

    public ReportCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (html == null && !json()) {
            throw new LifeboatException(ErrorCode.USAGE, "report needs --html FILE (or --output json)",
                    "e.g. lifeboat report --html lifeboat-report.html");
        }
        Duration walPeriod = walPeriod();
        Clock clock = Clock.systemUTC();
        List<RepositoryConfig> members = repo.selected();
        List<ForEachRepository.Outcome<RepositoryReport>> outcomes = List.of();
        List<RepositoryReport> reports;
        if (members.size() == 1) {
            try (Repository repository = repo.open()) {
                reports = List.of(new ReportService(repository, clock).run(members.get(0).name(), walPeriod,
                        ReportService.DEFAULT_SUMMARY_LIMIT));
            }
        } else {
            try (RepositorySet repositories = repo.openSet()) {
                outcomes = new ForEachRepository(Failures::asLifeboatException).run(members, member ->
                        new ReportService(repositories.open(member.name()), clock).run(member.name(), walPeriod,
                                ReportService.DEFAULT_SUMMARY_LIMIT));
            }
            reports = outcomes.stream().map(o -> o.succeeded() ? o.result()
                    : RepositoryReport.unavailable(o.repository().name(), o.repository().location(), o.failure().getMessage())).toList();
        }
        Report report = new Report(clock.instant(), LifeboatVersion.version(), reports);
        if (html != null) {
            ReportFile.write(report, html);
        }
        print(report, out -> out.println("HTML report: " + html.toAbsolutePath()));
        ForEachRepository.throwFirstFailure(outcomes, member -> "repository " + member.name() + ": ");
        return 0;
    }

    /** The report of one open repository (for drill --report-html). */
    static Report reportOf(Repository repository, String name, Duration walPeriod) {
        Clock clock = Clock.systemUTC();
        RepositoryReport one = new ReportService(repository, clock).run(name, walPeriod, ReportService.DEFAULT_SUMMARY_LIMIT);
        return new Report(clock.instant(), LifeboatVersion.version(), List.of(one));
    }

    private Duration walPeriod() {
        try {
            Duration d = DurationText.parse(since);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("--since must be longer than zero");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--since: " + e.getMessage(), "write e.g. --since 48h or --since 30d");
        }
    }
}
