package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.LifeboatVersion;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.schedules.JobEvents;
import dev.lifeboat.schedules.JobRunner;
import dev.lifeboat.schedules.ScheduleDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Clock;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run one job of the schedule now, recorded like a scheduled run (what 'schedule crontab' lines call).",
                "Exits with the job's own exit status when it fails."})
public final class ScheduleExecCommand extends LifeboatSubcommand {

    @Parameters(index = "0", paramLabel = "JOB", description = "The job's name in the schedule.")
    String job;

    public ScheduleExecCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScheduleDefinition schedule = ScheduleCommand.load(context);
        JobRun run = new JobRunner(schedule, ScheduleCommand.catalog(context), Clock.systemUTC(), JobEvents.NONE)
                .runOrThrow(job, "now", "exec@" + LifeboatVersion.host());
        print(run, out -> out.println(run.job() + " " + run.outcome().name().toLowerCase(java.util.Locale.ROOT) + ": " + run.summary()));
        return 0;
    }
}
