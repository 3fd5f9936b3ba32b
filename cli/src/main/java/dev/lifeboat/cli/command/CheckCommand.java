package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.core.check.CheckReport;
import dev.lifeboat.core.check.CheckService;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.repo.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that every backup can be restored to the newest archived WAL of each timeline",
                "(lists each missing segment) and, with --pgdata, that archiving keeps up (ready backlog,",
                "archiver failures, WAL kept by replication slots).",
                "Exits 0 when all is well, 13 when something is wrong (one FAIL line per problem)."})
public final class CheckCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "Also check this running cluster: its ready backlog, archiver and slots.")
    Path pgdata;

    @Mixin
    PostgresOptions postgres;

    @Option(names = "--max-ready", paramLabel = "N", defaultValue = "64",
            description = "More WAL files than this waiting to be archived is a problem (default: ${DEFAULT-VALUE}).")
    int maxReady;

    @Option(names = "--max-slot-lag", paramLabel = "MiB", defaultValue = "1024",
            description = "A replication slot keeping more WAL than this is a problem (default: ${DEFAULT-VALUE}).")
    long maxSlotLagMiB;

    public CheckCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        try (Repository repository = repo.open()) {
            CheckReport report = new CheckService(repository).run(new CheckService.Request(
                    pgdata == null ? null : pgdata.toAbsolutePath().normalize(),
                    pgdata == null ? null : postgres.settings(context.env()), maxReady, maxSlotLagMiB << 20));
            print(report, out -> printText(out, report));
            return report.passed() ? 0 : ErrorCode.CHECK_FAILED.exitCode();
        }
    }

    private static void printText(PrintStream out, CheckReport report) {
        out.println("repository " + report.location());
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
        if (report.passed()) {
            out.println("PASS");
        } else {
            for (String problem : report.problems()) {
                out.println("FAIL: " + problem);
            }
        }
    }
}
