package dev.lifeboat.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.LifeboatInvocation;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.schedules.ScheduleConfiguration;
import dev.lifeboat.schedules.ScheduleDefinition;
import dev.lifeboat.schedules.LifeboatCall;
import dev.lifeboat.schedules.TaskCatalog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.time.Clock;

@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Run the jobs of the configuration file's schedule: section (backup, expire, ...) on time.",
                "'run' is the daemon (clustered through a PostgreSQL job store, or in memory on one host);",
                "'list' shows each job's next times and last result; 'crontab' prints the same plan for cron;",
                "'exec JOB' runs one job now, recorded like a scheduled run."},
        subcommands = {ScheduleRunCommand.class, ScheduleListCommand.class, ScheduleCrontabCommand.class, ScheduleExecCommand.class})
public final class ScheduleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The schedule of the configuration file in use, checked whole. */
    static ScheduleDefinition load(CliContext context) {
        JsonNode tree = context.config().tree();
        if (context.config().path().isEmpty()) {
            throw new LifeboatException(ErrorCode.CONFIG, "the schedule lives in the configuration file, and none is in use",
                    "pass --config FILE (or set LIFEBOAT_CONFIG, or create /etc/lifeboat/lifeboat.yaml) with a 'schedule:' section");
        }
        // An empty file has no schedule: section, and is told so like any other file without one.
        return ScheduleConfiguration.parse(tree == null ? JsonNodeFactory.instance.objectNode() : tree, context.env(), catalog(context));
    }

    static TaskCatalog catalog(CliContext context) {
        return TaskCatalog.standard(context.env(), Clock.systemUTC(),
                new LifeboatCall(LifeboatInvocation.command(context), LifeboatInvocation.options(context)));
    }
}
