package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.schedules.JobDefinition;
import dev.lifeboat.schedules.JobEvents;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Instant;
import java.util.Locale;

/**
 * The schedule daemon's runs as metrics: every finished run counted by job and outcome, and when
 * each job last ended with each outcome. A run that could not even be recorded (its repository
 * could not be opened) counts as outcome "unrecorded".
 */
public final class JobMetrics implements JobEvents {

    private final Counter runs;
    private final Gauge lastRun;
    private final Runnable afterRun;

    /**
     * @param afterRun called after every run (e.g. to read the repository's state again)
     */
    public JobMetrics(PrometheusRegistry registry, Runnable afterRun) {
        this.runs = Counter.builder().name("lifeboat_job_runs_total").help("Runs of scheduled jobs by this daemon, by job and outcome")
                .labelNames("job", "outcome").register(registry);
        this.lastRun = Gauge.builder().name("lifeboat_job_last_run_timestamp_seconds")
                .help("When a scheduled job's newest run with this outcome ended (this daemon's runs)").unit(Unit.SECONDS)
                .labelNames("job", "outcome").register(registry);
        this.afterRun = afterRun;
    }

    @Override
    public void finished(JobRun run) {
        String outcome = run.outcome() == null ? "unknown" : run.outcome().name().toLowerCase(Locale.ROOT);
        count(run.job(), outcome, run.endTime() != null ? run.endTime() : Instant.now());
    }

    @Override
    public void unrecorded(JobDefinition job, String error) {
        count(job.name(), "unrecorded", Instant.now());
    }

    private void count(String job, String outcome, Instant at) {
        runs.labelValues(job, outcome).inc();
        lastRun.labelValues(job, outcome).set(at.toEpochMilli() / 1000.0);
        afterRun.run();
    }
}
