package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.schedules.JobDefinition;
import dev.lifeboat.schedules.JobEvents;
import dev.lifeboat.schedules.ScheduleDaemon;
import dev.lifeboat.schedules.ScheduleDefinition;
import dev.lifeboat.schedules.ScheduledRepositories;
import dev.lifeboat.schedules.metrics.JobMetrics;
import dev.lifeboat.schedules.metrics.MetricsEndpoint;
import dev.lifeboat.schedules.metrics.RepositoryMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the schedule in the foreground until SIGTERM or SIGINT (for systemd: Type=simple).",
                "On SIGTERM it takes no new runs and waits for running jobs to finish, then exits (status 143).",
                "With schedule.job-store, daemons on several hosts share the schedule: each run happens once.",
                "With --heartbeat-url, an outside watcher is pinged on an interval and after every job.",
                "With --metrics-address, Prometheus metrics of the runs and the repositories are served at /metrics."})
public final class ScheduleRunCommand extends LifeboatSubcommand {

    @Mixin
    HeartbeatOptions heartbeat;

    @Mixin
    MetricsOptions metrics;

    public ScheduleRunCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        ScheduleDefinition schedule = ScheduleCommand.load(context);
        PrintStream log = out();
        PrometheusRegistry registry = new PrometheusRegistry();
        Optional<MetricsEndpoint> endpoint = metrics.serve(registry); // first: an address in use stops it before any work
        Optional<RepositoryMetrics> repositories = endpoint.map(e -> RepositoryMetrics.start(registry,
                ScheduledRepositories.of(schedule, context.env()).stream()
                        .map(m -> new RepositoryMetrics.Source(m.location(), m.open(), m.cluster())).toList(),
                MetricsOptions.REPOSITORY_READ_EVERY, Clock.systemUTC(), text -> line(log, text)));
        List<JobEvents> others = new ArrayList<>();
        repositories.ifPresent(r -> others.add(new JobMetrics(registry, r::refreshSoon)));
        Optional<Heartbeat> beat = heartbeat.start(Optional::empty, text -> line(log, text));
        beat.ifPresent(others::add);
        JobEvents events = new Also(new Log(log), List.copyOf(others));
        ScheduleDaemon daemon;
        try {
            daemon = ScheduleDaemon.start(schedule, ScheduleCommand.catalog(context), Clock.systemUTC(), events);
        } catch (RuntimeException e) {
            beat.ifPresent(Heartbeat::close);
            repositories.ifPresent(RepositoryMetrics::close);
            endpoint.ifPresent(MetricsEndpoint::close);
            throw e;
        }
        endpoint.ifPresent(e -> line(log, "serving metrics on " + metrics.address + " at /metrics"));
        line(log, "schedule started: " + schedule.jobs().size() + " job(s), instance " + daemon.instanceId() + ", job store "
                + schedule.jobStore().map(s -> s.describe() + " (clustered, check-in every " + schedule.checkinInterval().toMillis() + " ms)")
                .orElse("in memory"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            line(log, "stopping: waiting for running jobs to finish");
            daemon.close();
            beat.ifPresent(Heartbeat::close);
            repositories.ifPresent(RepositoryMetrics::close);
            endpoint.ifPresent(MetricsEndpoint::close);
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

    /** The log, then the metrics and the heartbeat, which hear only how runs ended. */
    private record Also(JobEvents log, List<JobEvents> others) implements JobEvents {
        @Override
        public void started(JobDefinition job, String trigger, Instant scheduledFor) {
            log.started(job, trigger, scheduledFor);
        }

        @Override
        public void finished(JobRun run) {
            log.finished(run);
            others.forEach(o -> o.finished(run));
        }

        @Override
        public void refused(JobDefinition job, JobRunLog.Refused refusal) {
            log.refused(job, refusal);
        }

        @Override
        public void unrecorded(JobDefinition job, String error) {
            log.unrecorded(job, error);
            others.forEach(o -> o.unrecorded(job, error));
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
