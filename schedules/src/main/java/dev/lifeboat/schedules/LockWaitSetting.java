package dev.lifeboat.schedules;

import java.time.Duration;

/**
 * How long a scheduled backup, expire or replicate waits for the repository lock (job setting
 * {@code lock-wait}). Unlike the commands, which fail at once, scheduled jobs wait 15 minutes
 * by default: the jobs of one plan are meant to follow each other (expire right after the
 * nightly backup), and meeting the previous one still at work is no failure. A holder busy for
 * longer than that is, and the run is recorded as failed, naming it.
 */
final class LockWaitSetting {

    static final Duration DEFAULT = Duration.ofMinutes(15);

    private LockWaitSetting() {
    }

    static Duration of(JobDefinition job) {
        Duration wait = job.setting("lock-wait").map(BackupTask::timeout).orElse(DEFAULT);
        if (wait.isNegative()) {
            throw new IllegalArgumentException("lock-wait must not be negative");
        }
        return wait;
    }

    /** Refuses a bad value before the daemon starts. */
    static void check(JobDefinition job) {
        try {
            of(job);
        } catch (IllegalArgumentException e) {
            throw TaskCatalog.badSetting(job, "lock-wait: " + e.getMessage(), "e.g. lock-wait: 15m");
        }
    }
}
