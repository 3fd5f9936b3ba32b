package dev.lifeboat.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.retention.DurationText;
import dev.lifeboat.storage.BlobStores;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the {@code schedule:} section of the configuration file:
 *
 * <pre>
 * repo: /srv/lifeboat/main
 * pgdata: /var/lib/postgresql/15/main
 * schedule:
 *   job-store: jdbc:postgresql://ops-db:5432/lifeboat   # omit for one host (in memory)
 *   time-zone: Europe/Berlin
 *   jobs:
 *     - name: nightly-full
 *       kind: backup
 *       type: full
 *       cron: "0 0 2 * * ?"
 *     - name: expire
 *       kind: expire
 *       every: 6h
 *       keep-full: 4
 *       pitr-window: 7d
 * </pre>
 *
 * Everything is checked here, before a daemon starts: a bad cron expression, an unknown time
 * zone, a kind without a service or a job without its repository is one CONFIG error.
 */
public final class ScheduleConfiguration {

    public static final Duration DEFAULT_CHECKIN = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MISFIRE_THRESHOLD = Duration.ofSeconds(60);
    public static final int DEFAULT_THREADS = 4;

    /** A job's own keys besides the options of its command. */
    public static final Set<String> TIMING_KEYS = Set.of("name", "kind", "cron", "every", "time-zone");
    /** The keys of the 'schedule:' section itself (its jobs are checked on their own). */
    public static final Set<String> SECTION_KEYS = Set.of("jobs", "time-zone", "job-store", "job-store-user", "job-store-password",
            "table-prefix", "threads", "checkin-interval", "misfire-threshold");
    private static final Pattern TABLE_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,30}");
    private static final String EXAMPLE = "add e.g. 'schedule: {jobs: [{name: nightly, kind: backup, cron: \"0 0 2 * * ?\"}]}'";

    private ScheduleConfiguration() {
    }

    public static ScheduleDefinition parse(JsonNode root, Map<String, String> env, TaskCatalog catalog) {
        JsonNode schedule = root == null ? null : root.get("schedule");
        if (schedule == null || !schedule.isObject()) {
            throw new LifeboatException(ErrorCode.CONFIG, "the configuration file has no 'schedule:' section", EXAMPLE);
        }
        JsonNode jobsNode = schedule.get("jobs");
        if (jobsNode == null || !jobsNode.isArray() || jobsNode.isEmpty()) {
            throw new LifeboatException(ErrorCode.CONFIG, "the schedule has no jobs (schedule.jobs must be a list)", EXAMPLE);
        }
        ZoneId defaultZone = zone(text(schedule, "time-zone").orElse(null), "schedule.time-zone");
        List<JobDefinition> jobs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : jobsNode) {
            index++;
            JobDefinition job = job(root, node, index, defaultZone);
            if (!names.add(job.name())) {
                throw new LifeboatException(ErrorCode.CONFIG, "two schedule jobs are named '" + job.name() + "'",
                        "give every job its own name: runs are recorded under it");
            }
            catalog.check(job);
            jobs.add(job);
        }
        Optional<JobStoreSettings> store = text(schedule, "job-store").map(url -> jobStore(schedule, url, env));
        int threads = text(schedule, "threads").map(t -> positiveInt(t, "schedule.threads")).orElse(DEFAULT_THREADS);
        Duration checkin = text(schedule, "checkin-interval").map(t -> duration(t, "schedule.checkin-interval")).orElse(DEFAULT_CHECKIN);
        Duration misfire = text(schedule, "misfire-threshold").map(t -> duration(t, "schedule.misfire-threshold"))
                .orElse(DEFAULT_MISFIRE_THRESHOLD);
        return new ScheduleDefinition(List.copyOf(jobs), store, threads, checkin, misfire);
    }

    private static JobDefinition job(JsonNode root, JsonNode node, int index, ZoneId defaultZone) {
        if (!node.isObject()) {
            throw new LifeboatException(ErrorCode.CONFIG, "schedule job #" + index + " is not a mapping", EXAMPLE);
        }
        String name = text(node, "name").orElseThrow(() -> new LifeboatException(ErrorCode.CONFIG,
                "schedule job #" + index + " has no name", "give it 'name: <letters, digits, . _ ->'"));
        JobRunLog.requireValidJobName(name);
        String where = "schedule job '" + name + "'";
        JobKind kind;
        try {
            kind = JobKind.parse(text(node, "kind").orElseThrow(() -> new IllegalArgumentException("kind is missing")));
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.CONFIG, where + ": " + e.getMessage(), "set 'kind: backup' (or expire, verify, drill, replicate)");
        }
        Optional<String> cron = text(node, "cron");
        Optional<String> every = text(node, "every");
        if (cron.isPresent() == every.isPresent()) {
            throw new LifeboatException(ErrorCode.CONFIG, where + " needs exactly one of 'cron' and 'every'",
                    "e.g. cron: \"0 0 2 * * ?\" (Quartz: seconds minutes hours day month weekday) or every: 6h");
        }
        JobTiming timing;
        if (cron.isPresent()) {
            try {
                CronExpression.validateExpression(cron.get());
            } catch (ParseException e) {
                throw new LifeboatException(ErrorCode.CONFIG, where + ": cron expression '" + cron.get() + "' is invalid: " + e.getMessage(),
                        "Quartz cron has 6 or 7 fields: seconds minutes hours day-of-month month day-of-week [year], "
                                + "with '?' in one of the day fields, e.g. \"0 30 2 * * ?\"");
            }
            timing = new JobTiming(cron.get(), zone(text(node, "time-zone").orElse(null), where + " time-zone", defaultZone), null);
        } else {
            Duration d = duration(every.get(), where + " every");
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new LifeboatException(ErrorCode.CONFIG, where + ": 'every' must be at least 1s", "e.g. every: 6h");
            }
            timing = new JobTiming(null, null, d);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        scalars(root, settings, Set.of("schedule"));
        JsonNode section = root.get(kind.command());
        if (section != null && section.isObject()) {
            scalars(section, settings, Set.of());
        }
        if (kind == JobKind.EXPIRE) {
            JsonNode retention = configuredRetention(root, text(node, "repo").orElse(settings.get("repo")));
            if (retention != null) {
                scalars(retention, settings, Set.of());
            }
        }
        scalars(node, settings, TIMING_KEYS);
        JobDefinition job = new JobDefinition(name, kind, timing, Map.copyOf(settings));
        if (job.setting("repo").isEmpty()) {
            throw new LifeboatException(ErrorCode.CONFIG, where + " has no repository",
                    "set 'repo' in the job, or at the top of the configuration file");
        }
        return job;
    }

    /**
     * The 'retention' of the entry of the 'repositories' list whose uri is the job's repository,
     * or null: what expire keeps there unless the job says otherwise.
     */
    private static JsonNode configuredRetention(JsonNode root, String repo) {
        JsonNode list = root.get("repositories");
        if (repo == null || list == null || !list.isArray()) {
            return null;
        }
        for (JsonNode entry : list) {
            JsonNode retention = entry.get("retention");
            Optional<String> uri = text(entry, "uri");
            if (retention != null && retention.isObject() && uri.isPresent() && sameLocation(uri.get(), repo)) {
                return retention;
            }
        }
        return null;
    }

    private static boolean sameLocation(String a, String b) {
        try {
            return BlobStores.toUri(a).equals(BlobStores.toUri(b));
        } catch (RuntimeException e) {
            return a.equals(b);
        }
    }

    private static JobStoreSettings jobStore(JsonNode schedule, String url, Map<String, String> env) {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new LifeboatException(ErrorCode.CONFIG, "schedule.job-store must be a PostgreSQL JDBC URL, not '" + url.split("\\?")[0] + "'",
                    "e.g. job-store: jdbc:postgresql://ops-db:5432/lifeboat (omit it to keep the schedule in memory on one host)");
        }
        String user = text(schedule, "job-store-user").orElse(env.getOrDefault("PGUSER", "postgres"));
        String password = text(schedule, "job-store-password").orElse(env.get("PGPASSWORD"));
        String prefix = text(schedule, "table-prefix").orElse("QRTZ_");
        if (!TABLE_PREFIX.matcher(prefix).matches()) {
            throw new LifeboatException(ErrorCode.CONFIG, "schedule.table-prefix '" + prefix + "' is not a usable table name prefix",
                    "use letters, digits and '_', e.g. QRTZ_");
        }
        return new JobStoreSettings(url, user, password, prefix);
    }

    private static void scalars(JsonNode node, Map<String, String> into, Set<String> skip) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!skip.contains(field.getKey()) && field.getValue().isValueNode() && !field.getValue().isNull()) {
                into.put(field.getKey(), field.getValue().asText());
            }
        }
    }

    private static Optional<String> text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText().strip());
    }

    private static ZoneId zone(String id, String where) {
        return zone(id, where, ZoneId.systemDefault());
    }

    private static ZoneId zone(String id, String where, ZoneId fallback) {
        if (id == null) {
            return fallback;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new LifeboatException(ErrorCode.CONFIG, where + " '" + id + "' is not a time zone", "e.g. UTC or Europe/Berlin");
        }
    }

    private static Duration duration(String text, String where) {
        try {
            return DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.CONFIG, where + ": " + e.getMessage(), "e.g. 30s, 15m, 6h, 1d");
        }
    }

    private static int positiveInt(String text, String where) {
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new LifeboatException(ErrorCode.CONFIG, where + " must be a positive number, not '" + text + "'", "e.g. 4");
    }
}
