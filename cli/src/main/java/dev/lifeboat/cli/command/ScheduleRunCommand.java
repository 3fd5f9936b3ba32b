package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.schedules.JobDefinition;
import dev.lifeboat.schedules.JobEvents;
import dev.lifeboat.schedules.ScheduleDaemon;
import dev.lifeboat.schedules.ScheduleDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the schedule in the foreground until SIGTERM or SIGINT (for systemd: Type=simple).",
                "On SIGTERM it takes no new runs and waits for running jobs to finish, then exits (status 143).",
                "With schedule.job-store, daemons on several hosts share the schedule: each run happens once.",
                "With --heartbeat-url, an outside watcher is pinged on an interval and after every job."})
public final class ScheduleRunCommand extends LifeboatSubcommand {

    @Mixin
    HeartbeatOptions heartbeat;

    public ScheduleRunCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScheduleDefinition schedule = ScheduleCommand.load(context);
        PrintStream log = out();
        Optional<Heartbeat> beat = heartbeat.start(Optional::empty, text -> line(log, text));
        JobEvents events = beat.<JobEvents>map(h -> new Both(new Log(log), h)).orElse(new Log(log));
        ScheduleDaemon daemon = ScheduleDaemon.start(schedule, ScheduleCommand.catalog(context), Clock.systemUTC(), events);
        line(log, "schedule started: " + schedule.jobs().size() + " job(s), instance " + daemon.instanceId() + ", job store "
                + schedule.jobStore().map(s -> s.describe() + " (clustered, check-in every " + schedule.checkinInterval().toMillis() + " ms)")
                .orElse("in memory"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            line(log, "stopping: waiting for running jobs to finish");
            daemon.close();
            beat.ifPresent(Heartbeat::close);
            line(log, "stopped");
            stopped.countDown();
        }, "lifeboat-schedule-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static void line(PrintStream out, String text) {
        synchronized (out) {
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + text);
            out.flush();
        }
    }

    /** The log, then the heartbeat. */
    private record Both(JobEvents log, JobEvents heartbeat) implements JobEvents {
        @Override
        public void started(JobDefinition job, String trigger, Instant scheduledFor) {
            log.started(job, trigger, scheduledFor);
        }

        @Override
        public void finished(JobRun run) {
            log.finished(run);
            heartbeat.finished(run);
        }

        @Override
        public void refused(JobDefinition job, JobRunLog.Refused refusal) {
            log.refused(job, refusal);
        }

        @Override
        public void unrecorded(JobDefinition job, String error) {
            log.unrecorded(job, error);
            heartbeat.unrecorded(job, error);
        }

        @Override
        public void storeRequest(JobDefinition job, String line) {
            log.storeRequest(job, line);
        }
    }

    /** One line per start and end of a run. */
    private record Log(PrintStream out) implements JobEvents {
        @Override
        public void started(JobDefinition job, String trigger, Instant scheduledFor) {
            line(out, job.name() + " (" + job.kind().jsonName() + ") started: " + trigger
                    + (scheduledFor == null ? "" : ", due " + scheduledFor.truncatedTo(ChronoUnit.MILLIS)));
        }

        @Override
        public void finished(JobRun run) {
            String took = run.duration() == null ? "" : String.format(" in %.1f s", run.duration().toMillis() / 1000.0);
            line(out, run.job() + " " + run.outcome().name().toLowerCase(java.util.Locale.ROOT) + took + ": "
                    + (run.error() != null ? run.error() : run.summary()));
        }

        @Override
        public void refused(JobDefinition job, JobRunLog.Refused refusal) {
            line(out, job.name() + " (" + job.kind().jsonName() + ") skipped" + (refusal.duplicate() ? " as a duplicate" : "") + ": "
                    + refusal.trigger() + (refusal.scheduledFor() == null ? "" : ", due " + refusal.scheduledFor().truncatedTo(ChronoUnit.MILLIS))
                    + ": " + refusal.reason());
        }

        @Override
        public void unrecorded(JobDefinition job, String error) {
            line(out, job.name() + " could not run (nothing recorded): " + error);
        }
    }
}
