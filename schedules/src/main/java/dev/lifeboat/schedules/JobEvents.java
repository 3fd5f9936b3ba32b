package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;

import java.time.Instant;

/** What the daemon says about runs as they happen (the command prints it; tests collect it). */
public interface JobEvents {

    JobEvents NONE = new JobEvents() {
    };

    default void started(JobDefinition job, String trigger, Instant scheduledFor) {
    }

    default void finished(JobRun run) {
    }

    /** A run that could not even be recorded: its repository could not be opened. */
    default void unrecorded(JobDefinition job, String error) {
    }
}
