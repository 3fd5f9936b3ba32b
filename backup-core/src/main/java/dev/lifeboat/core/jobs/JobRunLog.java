package dev.lifeboat.core.jobs;

import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.Repository;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of job runs in a repository, so that every host, `info` and `status` see the
 * same history. A run writes a marker when it starts and a record when it ends (both
 * CREATE_ONLY), then removes the marker: a marker left behind is a run whose process died,
 * which the job's next run turns into an ABANDONED record ({@link AbandonedRuns}).
 *
 * <p>A scheduled run is first admitted ({@link #admit}, see {@link RunAdmission}): one run per
 * job and due time, and none while another run of the job is under way ({@link RunsUnderWay}).
 * The objects are kept by {@link JobRunStore}, read back by {@link JobHistories} and pruned by
 * {@link JobRecordPruning}.
 */
public final class JobRunLog {

    /** Records kept per job; older ones are removed as new ones are written. */
    public static final int KEPT_PER_JOB = JobRecordPruning.KEPT_PER_JOB;

    private final Clock clock;
    private final LocalProcesses processes;
    private final JobRunStore objects;
    private final RunsUnderWay underWay;
    private final RunAdmission admission;
    private final AbandonedRuns abandoned;
    private final JobRecordPruning pruning;
    private final JobHistories histories;

    public JobRunLog(Repository repository, Clock clock) {
        this(repository, clock, LocalProcesses.current());
    }

    public JobRunLog(Repository repository, Clock clock, LocalProcesses processes) {
        this.clock = clock;
        this.processes = processes;
        this.objects = new JobRunStore(repository.store());
        this.underWay = new RunsUnderWay(processes);
        this.admission = new RunAdmission(objects, underWay);
        this.abandoned = new AbandonedRuns(objects, underWay);
        this.pruning = new JobRecordPruning(objects);
        this.histories = new JobHistories(objects);
    }

    public static boolean isValidJobName(String name) {
        return JobNames.isValid(name);
    }

    public static void requireValidJobName(String name) {
        JobNames.requireValid(name);
    }

    /** What {@link #admit} answers: the run started, or why it did not. */
    public sealed interface Admission permits Started, Refused {
    }

    /** A run under way: its marker is in the repository. */
    public record Started(JobRun run, String runKey) implements Admission {
    }

    /**
     * A run that was not started.
     *
     * @param duplicate true when its due time already had a run (finished or under way)
     * @param reason    one line: which run was there first, and what became of it
     */
    public record Refused(String job, String trigger, Instant scheduledFor, boolean duplicate, String reason) implements Admission {
    }

    /**
     * Records the start of a run (after turning markers of dead earlier runs of the job into
     * ABANDONED records), for commands that run on request: nothing is refused.
     */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, String instance) {
        return start(job, kind, trigger, scheduledFor, null, instance);
    }

    /** As above, for a catch-up run: {@code missed} is the due time it makes up for. */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        return (Started) begin(job, kind, trigger, scheduledFor, missed, instance, false);
    }

    /**
     * Starts a scheduled run unless it would run a due time twice or run the job twice at once:
     * refused while another run of the job is under way (in this process, or in a live process
     * of this host), and when its due time was claimed by a run that finished, is under way, or
     * died (then only a {@code recovery} may claim it again). A run without a due time is only
     * checked for runs under way.
     */
    public Admission admit(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        return begin(job, kind, trigger, scheduledFor, missed, instance, true);
    }

    private Admission begin(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance,
                            boolean admitted) {
        JobNames.requireValid(job);
        JobRun run = new JobRun(job, kind, UUID.randomUUID().toString().substring(0, 8), trigger, scheduledFor, clock.instant(),
                null, null, null, null, processes.host(), processes.pid(), instance, missed);
        String runKey = JobRunStore.runKey(run);
        underWay.enter(job, runKey);
        try {
            Optional<Refused> refused = admitted ? admission.refusal(run, runKey) : Optional.empty();
            if (refused.isPresent()) {
                underWay.leave(job, runKey);
                return refused.get();
            }
            abandoned.recordDeadRuns(job);
            objects.putMarker(run, runKey);
            return new Started(run, runKey);
        } catch (RuntimeException e) {
            underWay.leave(job, runKey);
            throw e;
        }
    }

    /** Records how a run ended and removes its marker. */
    public JobRun finish(Started started, JobRun.Outcome outcome, String summary, String error) {
        JobRun done = started.run().finished(clock.instant(), outcome, oneLine(summary), oneLine(error));
        String job = done.job();
        try {
            objects.putRecord(RepositoryLayout.jobRecord(job, started.runKey()), done);
            objects.deleteMarker(job, started.runKey());
        } finally {
            underWay.leave(job, started.runKey());
        }
        pruning.prune(job);
        return done;
    }

    /** Records a run that is already over (for commands that record themselves). */
    public JobRun record(JobRun run) {
        JobNames.requireValid(run.job());
        objects.putRecord(RepositoryLayout.jobRecord(run.job(), JobRunStore.runKey(run)), run);
        pruning.prune(run.job());
        return run;
    }

    /** What is known of one job: its finished runs, oldest first, and runs still marked as under way. */
    public record History(String job, List<JobRun> finished, List<JobRun> running) {
        public Optional<JobRun> last() {
            return finished.isEmpty() ? Optional.empty() : Optional.of(finished.get(finished.size() - 1));
        }

        /** The last successful run. */
        public Optional<JobRun> lastSuccess() {
            for (int i = finished.size() - 1; i >= 0; i--) {
                if (finished.get(i).outcome() == JobRun.Outcome.SUCCEEDED) {
                    return Optional.of(finished.get(i));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The last run, the last successful run and any run under way of one job, with how many
     * runs are recorded.
     */
    public record Latest(String job, JobRun last, JobRun lastSuccess, JobRun running, int recorded) {
    }

    /**
     * The latest state of every job that has records, by name. Reads only the newest records
     * of each job (back to its last success), so it stays cheap on a remote store.
     */
    public Map<String, Latest> latestOfEach() {
        return histories.latestOfEach();
    }

    /** The records of one job. */
    public History history(String job) {
        JobNames.requireValid(job);
        return histories.history(job);
    }

    private static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
