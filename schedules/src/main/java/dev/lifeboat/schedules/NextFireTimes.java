package dev.lifeboat.schedules;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;

/** When a job will next run, computed from its definition and its last recorded run. */
public final class NextFireTimes {

    private NextFireTimes() {
    }

    public static List<Instant> of(JobDefinition job, Optional<Instant> lastDue, Instant now, int count) {
        List<Instant> times = new ArrayList<>();
        if (job.timing().isCron()) {
            CronExpression cron;
            try {
                cron = new CronExpression(job.timing().cron());
            } catch (ParseException e) {
                return times;
            }
            cron.setTimeZone(TimeZone.getTimeZone(job.timing().zone()));
            Instant first = ScheduleDaemon.firstDue(job, lastDue, now);
            Date at = Date.from(first.isBefore(now) ? first : now);
            if (first.isBefore(now)) {
                times.add(now); // a missed run is caught up as soon as a daemon runs
            }
            while (times.size() < count) {
                at = cron.getTimeAfter(at);
                if (at == null) {
                    break;
                }
                if (!at.toInstant().isBefore(now)) {
                    times.add(at.toInstant());
                }
            }
            return times;
        }
        Instant next = ScheduleDaemon.firstDue(job, lastDue, now);
        if (next.isBefore(now)) {
            next = now;
        }
        while (times.size() < count) {
            times.add(next);
            next = next.plus(job.timing().every());
        }
        return times;
    }
}
