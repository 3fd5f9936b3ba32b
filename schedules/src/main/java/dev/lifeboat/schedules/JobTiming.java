package dev.lifeboat.schedules;

import java.time.Duration;
import java.time.ZoneId;

/**
 * When a job runs: a Quartz cron expression (seconds minutes hours day-of-month month
 * day-of-week [year]) read in a time zone, or a fixed interval.
 */
public record JobTiming(String cron, ZoneId zone, Duration every) {

    public boolean isCron() {
        return cron != null;
    }

    public String describe() {
        return isCron() ? "cron '" + cron + "' (" + zone.getId() + ")" : "every " + dev.lifeboat.core.retention.DurationText.format(every);
    }
}
