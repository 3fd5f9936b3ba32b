package dev.lifeboat.schedules;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.StoreSettings;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs one job of the schedule once, recorded in the job's repository: a marker when it
 * starts, the outcome when it ends. The daemon's Quartz job and `schedule exec` (cron's way
 * in) both come through here, so a run is the same whoever starts it.
 */
public final class JobRunner {

    private final ScheduleDefinition schedule;
    private final TaskCatalog catalog;
    private final Clock clock;
    private final JobEvents events;

    public JobRunner(ScheduleDefinition schedule, TaskCatalog catalog, Clock clock, JobEvents events) {
        this.schedule = schedule;
        this.catalog = catalog;
        this.clock = clock;
        this.events = events;
    }

    public ScheduleDefinition schedule() {
        return schedule;
    }

    /**
     * Runs the job. Returns the recorded run, or empty when the repository could not be
     * opened (then there is nowhere to record; the event says why) or when the run was refused:
     * its due time already had a run, or the job is still running (the event says which run).
     */
    public Optional<JobRun> run(String jobName, String trigger, Instant scheduledFor, String instance) {
        return run(jobName, trigger, scheduledFor, null, instance);
    }

    /** A run as the scheduler fires it; {@code missed} is the due time a catch-up run makes up for. */
    public Optional<JobRun> run(String jobName, String trigger, Instant scheduledFor, Instant missed, String instance) {
        return execute(jobName, trigger, scheduledFor, missed, instance).run();
    }

    /** Runs the job once on request (cron's way in): recorded like any run, and a failure is thrown as it came. */
    public JobRun runOrThrow(String jobName, String trigger, String instance) {
        Outcome outcome = execute(jobName, trigger, null, null, instance);
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.run().orElseThrow();
    }

    private record Outcome(Optional<JobRun> run, RuntimeException failure) {
    }

    private Outcome execute(String jobName, String trigger, Instant scheduledFor, Instant missed, String instance) {
        JobDefinition job = schedule.job(jobName).orElseThrow(() -> new LifeboatException(ErrorCode.CONFIG,
                "the schedule has no job '" + jobName + "'", "list the jobs with 'lifeboat schedule list'"));
        Instant due = missed != null ? missed : scheduledFor;
        Repository repository;
        StoreSettings stores;
        try {
            // the settings a command takes from its flags, from the job's keys of the same names
            stores = JobStorage.settings(job, line -> events.storeRequest(job, line));
            repository = Repository.open(BlobStores.open(job.repository(), stores), JobKeys.of(job));
        } catch (RuntimeException e) {
            events.started(job, trigger, due);
            events.unrecorded(job, oneLine(e));
            return new Outcome(Optional.empty(), e);
        }
        try (repository) {
            JobRunLog log = new JobRunLog(repository, clock);
            JobRunLog.Started started;
            if (scheduledFor == null) {
                // on request (cron's `schedule exec`, whose flock keeps one run at a time): never refused
                started = log.start(job.name(), job.kind().jsonName(), trigger, null, missed, instance);
            } else {
                // fired by the scheduler: one run per due time, never two runs of the job at once
                JobRunLog.Admission admission = log.admit(job.name(), job.kind().jsonName(), trigger, scheduledFor, missed, instance);
                if (admission instanceof JobRunLog.Refused refused) {
                    events.refused(job, refused);
                    return new Outcome(Optional.empty(), null);
                }
                started = (JobRunLog.Started) admission;
            }
            events.started(job, trigger, due);
            JobRun run;
            RuntimeException failure = null;
            try {
                String summary = catalog.create(job, stores).run(repository);
                run = log.finish(started, JobRun.Outcome.SUCCEEDED, summary, null);
            } catch (RuntimeException e) {
                failure = e;
                run = log.finish(started, JobRun.Outcome.FAILED, null, oneLine(e));
            }
            events.finished(run);
            return new Outcome(Optional.of(run), failure);
        } catch (RuntimeException e) {
            events.unrecorded(job, oneLine(e));
            return new Outcome(Optional.empty(), e);
        }
    }

    /** When the job was last due (or started), from its records: where a missed run is counted from. */
    public Optional<Instant> lastDue(JobDefinition job) {
        try (Repository repository = Repository.open(BlobStores.open(job.repository(), JobStorage.settings(job, null)), JobKeys.of(job))) {
            JobRunLog.History history = new JobRunLog(repository, clock).history(job.name());
            return java.util.stream.Stream.concat(history.finished().stream(), history.running().stream())
                    .map(r -> r.scheduledFor() != null ? r.scheduledFor() : r.startTime())
                    .filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo);
        } catch (RuntimeException e) {
            return Optional.empty(); // unreadable now: the job simply starts on its next time
        }
    }

    static String oneLine(Throwable e) {
        String message = e instanceof LifeboatException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
