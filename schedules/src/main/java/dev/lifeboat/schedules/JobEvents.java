package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;

import java.time.Instant;

/** What the daemon says about runs as they happen (the command prints it; tests collect it). */
public interface JobEvents {

    JobEvents NONE = new JobEvents() {
    };

    default void started(JobDefinition job, String trigger, Instant scheduledFor) {
    }

    default void finished(JobRun run) {
    }

    /** A run that was not started: its due time already had a run (a duplicate), or the job is still running. */
    default void refused(JobDefinition job, JobRunLog.Refused refusal) {
    }

    /** A run that could not even be recorded: its repository could not be opened. */
    default void unrecorded(JobDefinition job, String error) {
    }

    /**
     * One store request of a job whose settings ask for log-requests: on stderr, as a command
     * with --log-requests prints it.
     */
    default void storeRequest(JobDefinition job, String line) {
        synchronized (System.err) {
            System.err.println("lifeboat: " + line);
            System.err.flush();
        }
    }
}
