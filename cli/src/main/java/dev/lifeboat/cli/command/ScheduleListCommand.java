package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.schedules.ScheduleOverview;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Show each scheduled job: when it runs next and how its last run ended (from the repository's records).")
public final class ScheduleListCommand extends LifeboatSubcommand {

    public ScheduleListCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScheduleOverview.Listing listing = ScheduleOverview.of(ScheduleCommand.load(context), Clock.systemUTC());
        print(listing, out -> printText(out, listing));
        return 0;
    }

    private static void printText(PrintStream out, ScheduleOverview.Listing listing) {
        out.println("job store: " + listing.jobStore());
        for (ScheduleOverview.JobStatus j : listing.jobs()) {
            out.println();
            out.println(j.name() + " (" + j.kind() + ", " + j.schedule() + ") on " + j.repository());
            out.println("  next:  " + String.join(", ", j.next().stream().map(ScheduleListCommand::time).toList()));
            if (j.problem() != null) {
                out.println("  last:  unknown (" + j.problem() + ")");
            } else if (j.last() == null) {
                out.println("  last:  never ran");
            } else {
                out.println("  last:  " + j.last().outcome().name().toLowerCase(Locale.ROOT) + " at " + time(j.last().startTime())
                        + " (" + j.last().trigger() + ")" + ": " + (j.last().error() != null ? j.last().error() : j.last().summary()));
                if (j.last().outcome() != dev.lifeboat.core.jobs.JobRun.Outcome.SUCCEEDED) {
                    out.println("  last success: " + (j.lastSuccess() == null ? "never" : time(j.lastSuccess())));
                }
            }
            if (j.runningSince() != null) {
                out.println("  running since " + time(j.runningSince()));
            }
        }
    }

    private static String time(Instant instant) {
        return instant == null ? "-" : RecoveryTarget.formatForPostgres(instant).replaceFirst("\\.\\d+", "");
    }
}
