package dev.lifeboat.core.jobs;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of a job (a scheduled job, or expire run by hand), as recorded in the repository
 * the job worked on.
 *
 * @param job               the job's name in the schedule ("expire" for a run of the command)
 * @param kind              backup, expire, verify, drill, replicate
 * @param runId             unique per run
 * @param trigger           "schedule", "misfire" (a catch-up run), "recovery" (re-run after the
 *                          host running it died), "now" (run on request) or "command"
 * @param scheduledFor      when the scheduler fired it (for a catch-up run: when it caught up);
 *                          null for runs on request
 * @param outcome           null while running
 * @param summary           one line saying what the run did (a backup id, what expire removed)
 * @param error             the one-line error of a failed run
 * @param instance          the scheduler instance (host and start) that ran it
 * @param missed            for a misfire run: the due time it makes up for
 */
public record JobRun(
        String job,
        String kind,
        String runId,
        String trigger,
        Instant scheduledFor,
        Instant startTime,
        Instant endTime,
        Outcome outcome,
        String summary,
        String error,
        String host,
        long pid,
        String instance,
        Instant missed) {

    /** The trigger of a re-run after the process running the job died: the only run that may claim a due time again. */
    public static final String TRIGGER_RECOVERY = "recovery";

    public enum Outcome {
        /** The job did what it was asked. */
        SUCCEEDED,
        /** The job's service failed; {@link JobRun#error()} says why. */
        FAILED,
        /** The job was stopped (the daemon was told to stop and could not let it finish). */
        INTERRUPTED,
        /** The process running the job died; found by the job's next run. */
        ABANDONED
    }

    public JobRun finished(Instant end, Outcome result, String summaryLine, String errorLine) {
        return new JobRun(job, kind, runId, trigger, scheduledFor, startTime, end, result, summaryLine, errorLine, host, pid, instance,
                missed);
    }

    public Duration duration() {
        return startTime == null || endTime == null ? null : Duration.between(startTime, endTime);
    }
}
