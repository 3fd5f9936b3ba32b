package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStores;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** For `schedule list`: each job's next times and its last recorded result; writes nothing. */
public final class ScheduleOverview {

    /**
     * @param next    the next times it is due (a missed run shows as "now")
     * @param problem why the job's records could not be read, or null
     */
    public record JobStatus(String name, String kind, String schedule, String repository, List<Instant> next,
                            JobRun last, Instant lastSuccess, Instant runningSince, String problem) {
    }

    public record Listing(String jobStore, List<JobStatus> jobs) {
    }

    private ScheduleOverview() {
    }

    public static Listing of(ScheduleDefinition schedule, Clock clock) {
        Instant now = clock.instant();
        List<JobStatus> jobs = new ArrayList<>();
        for (JobDefinition job : schedule.jobs()) {
            JobRunLog.History history = null;
            String problem = null;
            try (Repository repository = Repository.open(BlobStores.open(job.repository(), JobStorage.settings(job, null)), JobKeys.of(job))) {
                history = new JobRunLog(repository, clock).history(job.name());
            } catch (RuntimeException e) {
                problem = JobRunner.oneLine(e);
            }
            Optional<Instant> lastDue = history == null ? Optional.empty()
                    : java.util.stream.Stream.concat(history.finished().stream(), history.running().stream())
                    .map(r -> r.scheduledFor() != null ? r.scheduledFor() : r.startTime())
                    .filter(java.util.Objects::nonNull).max(Instant::compareTo);
            JobRun last = history == null ? null : history.last().orElse(null);
            Instant lastSuccess = history == null ? null : history.lastSuccess().map(JobRun::startTime).orElse(null);
            Instant running = history == null || history.running().isEmpty() ? null
                    : history.running().get(history.running().size() - 1).startTime();
            jobs.add(new JobStatus(job.name(), job.kind().jsonName(), job.timing().describe(), job.repository(),
                    NextFireTimes.of(job, lastDue, now, 3), last, lastSuccess, running, problem));
        }
        String store = schedule.jobStore().map(s -> s.describe() + " (clustered)").orElse("in memory (one host)");
        return new Listing(store, jobs);
    }
}
