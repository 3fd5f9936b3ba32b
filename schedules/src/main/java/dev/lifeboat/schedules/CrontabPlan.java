package dev.lifeboat.schedules;

import dev.lifeboat.core.ShellWords;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The schedule as crontab lines, for operators who prefer cron to the daemon. Each line runs
 * {@code lifeboat schedule exec JOB} (the same job, recorded the same way) under
 * {@code flock -n}, so a run still going when the next one is due makes the next one skip
 * instead of overlapping. Quartz's seconds, years and its L/W/# day rules have no crontab
 * equivalent: such a job is refused with the reason, never approximated.
 */
public final class CrontabPlan {

    /** One crontab line and the job it runs. */
    public record Line(String job, String fields, String command) {
        public String text() {
            return fields + " " + command;
        }
    }

    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private CrontabPlan() {
    }

    /**
     * @param lifeboat   the command that starts Lifeboat (bin/lifeboat's absolute path)
     * @param config     the configuration file, absolute
     * @param systemZone the zone cron on this machine runs in
     */
    public static List<Line> of(ScheduleDefinition schedule, List<String> lifeboat, String config, ZoneId systemZone) {
        List<Line> lines = new ArrayList<>();
        for (JobDefinition job : schedule.jobs()) {
            String fields = fields(job, systemZone);
            List<String> words = new ArrayList<>(List.of("flock", "-n", "/run/lock/lifeboat-" + job.name() + ".lock"));
            words.addAll(lifeboat);
            words.addAll(List.of("schedule", "exec", job.name(), "--config", config));
            lines.add(new Line(job.name(), fields, String.join(" ", words.stream().map(CrontabPlan::quote).toList())));
        }
        return lines;
    }

    static String fields(JobDefinition job, ZoneId systemZone) {
        JobTiming timing = job.timing();
        if (!timing.isCron()) {
            return interval(job, timing.every());
        }
        if (!timing.zone().getRules().equals(systemZone.getRules())) {
            throw refuse(job, "is scheduled in time zone " + timing.zone().getId() + " but cron here runs in " + systemZone.getId(),
                    "set the job's time-zone (or schedule.time-zone) to " + systemZone.getId() + ", or use 'lifeboat schedule run'");
        }
        String[] f = timing.cron().trim().split("\\s+");
        if (!f[0].equals("0")) {
            throw refuse(job, "runs at second '" + f[0] + "' of a minute; cron starts jobs on whole minutes",
                    "use 0 as the seconds field, or use 'lifeboat schedule run'");
        }
        if (f.length == 7 && !f[6].equals("*")) {
            throw refuse(job, "is limited to the year(s) '" + f[6] + "'; crontab has no year field", "use * as the year, or drop it");
        }
        for (String field : List.of(f[3], f[5])) {
            if (field.matches(".*[LW#].*")) {
                throw refuse(job, "uses '" + field + "' (last/weekday/nth day), which crontab cannot express",
                        "use plain days, or use 'lifeboat schedule run'");
            }
        }
        return String.join(" ", field(f[1], 0, 59, null, 0), field(f[2], 0, 23, null, 0),
                f[3].equals("?") ? "*" : field(f[3], 1, 31, null, 0),
                field(f[4], 1, 12, MONTHS, 1),
                f[5].equals("?") ? "*" : field(f[5], 1, 7, DAYS, 1, -1));
    }

    private static String field(String text, int min, int max, String[] names, int nameBase) {
        return field(text, min, max, names, nameBase, 0);
    }

    /** Rewrites names as numbers, shifts Quartz's 1..7 weekdays to cron's 0..6, and "a/n" to "a-max/n". */
    private static String field(String text, int min, int max, String[] names, int nameBase, int shift) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            String[] stepParts = item.split("/", 2);
            String base = stepParts[0];
            String step = stepParts.length == 2 ? "/" + stepParts[1] : "";
            String converted;
            if (base.equals("*")) {
                converted = "*";
            } else {
                String[] range = base.split("-", 2);
                String from = value(range[0], names, nameBase, shift);
                String to = range.length == 2 ? value(range[1], names, nameBase, shift) : null;
                if (to == null && !step.isEmpty()) {
                    to = Integer.toString(max + shift);
                }
                converted = to == null ? from : from + "-" + to;
            }
            items.add(converted + step);
        }
        return String.join(",", items);
    }

    private static String value(String token, String[] names, int nameBase, int shift) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase(token)) {
                    return Integer.toString(i + nameBase + shift);
                }
            }
        }
        return Integer.toString(Integer.parseInt(token) + shift);
    }

    private static String interval(JobDefinition job, Duration every) {
        long minutes = every.toMinutes();
        if (every.toMillis() % 60_000 == 0) {
            if (minutes == 1) {
                return "* * * * *";
            }
            if (minutes < 60 && 60 % minutes == 0) {
                return "*/" + minutes + " * * * *";
            }
            if (minutes % 60 == 0) {
                long hours = minutes / 60;
                if (hours < 24 && 24 % hours == 0) {
                    return hours == 1 ? "0 * * * *" : "0 */" + hours + " * * *";
                }
                if (hours == 24) {
                    return "0 0 * * *";
                }
                if (hours == 24 * 7) {
                    return "0 0 * * 0";
                }
            }
        }
        throw refuse(job, "runs every " + dev.lifeboat.core.retention.DurationText.format(every)
                        + ", which crontab cannot express (it takes whole minutes dividing an hour, hours dividing a day, 1d or 7d)",
                "give the job a cron expression instead, or use 'lifeboat schedule run'");
    }

    private static LifeboatException refuse(JobDefinition job, String why, String hint) {
        return new LifeboatException(ErrorCode.CONFIG, "schedule job '" + job.name() + "' " + why, hint);
    }

    /** Quotes a word for the shell cron runs lines with; '%' means newline to cron and is escaped. */
    static String quote(String word) {
        return ShellWords.quote(word).replace("%", "\\%");
    }

}
