package dev.lifeboat.core.jobs;

import dev.lifeboat.core.jobs.JobRunLog.Refused;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.StorageException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a scheduled run may start: never while another run of the job is under way, and a due
 * time only once. A run claims its due time (CREATE_ONLY, so one run per job and due time,
 * whichever daemon or scheduler quirk fires it again); only a recovery may claim it again, and
 * only once the run that claimed it is gone (process dead, or declared dead by the scheduler
 * cluster) without having finished.
 */
final class RunAdmission {

    private final JobRunStore objects;
    private final RunsUnderWay underWay;

    RunAdmission(JobRunStore objects, RunsUnderWay underWay) {
        this.objects = objects;
        this.underWay = underWay;
    }

    /** Why {@code run} may not start, if it may not; a run without a due time is only checked for runs under way. */
    Optional<Refused> refusal(JobRun run, String runKey) {
        Optional<Refused> refused = refuseWhileUnderWay(run);
        if (refused.isEmpty() && run.scheduledFor() != null) {
            refused = claim(run, runKey);
        }
        return refused;
    }

    private Optional<Refused> refuseWhileUnderWay(JobRun run) {
        for (String marker : objects.keys(run.job(), RepositoryLayout.JOB_RUNNING_SUFFIX)) {
            Optional<JobRun> other = objects.read(marker);
            if (other.isPresent() && underWay.underWay(other.get(), JobRunStore.runKeyOf(marker))) {
                JobRun o = other.get();
                boolean sameDue = run.scheduledFor() != null && run.scheduledFor().equals(o.scheduledFor());
                return Optional.of(new Refused(run.job(), run.trigger(), run.scheduledFor(), sameDue,
                        (sameDue ? "its due time is being run now" : "the job is still running") + ": run " + o.runId() + " ("
                                + o.trigger() + (o.scheduledFor() == null ? "" : ", due " + o.scheduledFor()) + ") on " + o.host()
                                + ", pid " + o.pid()));
            }
        }
        return Optional.empty();
    }

    /**
     * Claims the run's due time: the next attempt after the last claim, allowed when there is
     * none, or when the last claimant died unfinished and this run is a recovery re-run.
     */
    private Optional<Refused> claim(JobRun run, String runKey) {
        String job = run.job();
        List<String> claims = objects.claimKeys(job, run.scheduledFor());
        int attempt = 0;
        if (!claims.isEmpty()) {
            String lastKey = claims.get(claims.size() - 1);
            Optional<RunClaim> last = objects.readClaim(lastKey);
            if (last.isEmpty()) {
                return Optional.of(duplicate(run, "its claim " + lastKey + " is unreadable, so it may have run"));
            }
            RunClaim previous = last.get();
            String who = "run " + previous.runId() + " (" + previous.trigger() + ") on " + previous.host();
            Optional<JobRun> record = objects.read(RepositoryLayout.jobRecord(job, previous.runKey()));
            if (record.isPresent() && record.get().outcome() != JobRun.Outcome.ABANDONED) {
                return Optional.of(duplicate(run, "it already ran: " + who + ", "
                        + record.get().outcome().name().toLowerCase(Locale.ROOT)));
            }
            if (record.isEmpty() && underWay.underWay(job, previous.runKey(), previous.host(), previous.pid(), previous.claimedAt())) {
                return Optional.of(duplicate(run, "it is being run now: " + who + ", pid " + previous.pid()));
            }
            if (!JobRun.TRIGGER_RECOVERY.equals(run.trigger())) {
                return Optional.of(duplicate(run, "it was claimed already by " + who + ", which has no record yet (still running "
                        + "elsewhere, or stopped before it ended); only a recovery runs it again"));
            }
            attempt = previous.attempt() + 1;
        }
        try {
            objects.putClaim(new RunClaim(job, run.scheduledFor(), attempt, run.trigger(), run.runId(), runKey, run.host(), run.pid(),
                    run.instance(), run.startTime()));
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                throw e;
            }
            return Optional.of(duplicate(run, "another run claimed it at the same moment"));
        }
        return Optional.empty();
    }

    private static Refused duplicate(JobRun run, String reason) {
        return new Refused(run.job(), run.trigger(), run.scheduledFor(), true, reason);
    }
}
