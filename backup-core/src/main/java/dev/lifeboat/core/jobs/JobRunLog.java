package dev.lifeboat.core.jobs;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Json;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The record of job runs in a repository, so that every host, `info` and `status` see the
 * same history. A run writes a marker when it starts and a record when it ends (both
 * CREATE_ONLY), then removes the marker: a marker left behind is a run whose process died,
 * which the job's next run turns into an ABANDONED record.
 */
public final class JobRunLog {

    /** Records kept per job; older ones are removed as new ones are written. */
    public static final int KEPT_PER_JOB = 200;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    private final BlobStore store;
    private final Clock clock;

    public JobRunLog(Repository repository, Clock clock) {
        this.store = repository.store();
        this.clock = clock;
    }

    public static boolean isValidJobName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static void requireValidJobName(String name) {
        if (!isValidJobName(name)) {
            throw new LifeboatException(ErrorCode.CONFIG, "job name '" + name + "' is not usable",
                    "use letters, digits, '.', '_' and '-' (at most 100), starting with a letter or digit");
        }
    }

    /** A run under way: its marker is in the repository. */
    public record Started(JobRun run, String runKey) {
    }

    /**
     * Records the start of a run (after turning markers of dead earlier runs of the job into
     * ABANDONED records: the job never runs twice at once, so a marker seen now is stale).
     */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, String instance) {
        return start(job, kind, trigger, scheduledFor, null, instance);
    }

    /** As above, for a catch-up run: {@code missed} is the due time it makes up for. */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        requireValidJobName(job);
        abandonStale(job);
        Instant now = clock.instant();
        String runId = UUID.randomUUID().toString().substring(0, 8);
        JobRun run = new JobRun(job, kind, runId, trigger, scheduledFor, now, null, null, null, null,
                dev.lifeboat.core.LifeboatVersion.host(), ProcessHandle.current().pid(), instance, missed);
        String runKey = KEY_TIME.format(now) + "-" + runId;
        store.put(RepositoryLayout.jobRunning(job, runKey), BlobContent.of(json(run)), PutMode.CREATE_ONLY);
        return new Started(run, runKey);
    }

    /** Records how a run ended and removes its marker. */
    public JobRun finish(Started started, JobRun.Outcome outcome, String summary, String error) {
        JobRun done = started.run().finished(clock.instant(), outcome, oneLine(summary), oneLine(error));
        String job = done.job();
        write(RepositoryLayout.jobRecord(job, started.runKey()), done);
        store.delete(RepositoryLayout.jobRunning(job, started.runKey()));
        prune(job);
        return done;
    }

    /** Records a run that is already over (for commands that record themselves). */
    public JobRun record(JobRun run) {
        requireValidJobName(run.job());
        String runKey = KEY_TIME.format(run.startTime()) + "-" + run.runId();
        write(RepositoryLayout.jobRecord(run.job(), runKey), run);
        prune(run.job());
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
        Map<String, List<String>> records = new TreeMap<>();
        Map<String, List<String>> markers = new TreeMap<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.JOBS_PREFIX)) {
            blobs.forEach(b -> {
                String rest = b.key().substring(RepositoryLayout.JOBS_PREFIX.length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    return;
                }
                String job = rest.substring(0, slash);
                if (b.key().endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)) {
                    records.computeIfAbsent(job, j -> new ArrayList<>()).add(b.key());
                } else if (b.key().endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)) {
                    markers.computeIfAbsent(job, j -> new ArrayList<>()).add(b.key());
                }
            });
        }
        Map<String, Latest> latest = new TreeMap<>();
        for (String job : union(records, markers)) {
            List<String> keys = records.getOrDefault(job, List.of());
            JobRun last = null;
            JobRun lastSuccess = null;
            for (int i = keys.size() - 1; i >= 0 && lastSuccess == null; i--) {
                Optional<JobRun> run = read(keys.get(i));
                if (run.isPresent()) {
                    last = last == null ? run.get() : last;
                    lastSuccess = run.get().outcome() == JobRun.Outcome.SUCCEEDED ? run.get() : null;
                }
            }
            List<String> open = markers.getOrDefault(job, List.of());
            JobRun running = open.isEmpty() ? null : read(open.get(open.size() - 1)).orElse(null);
            if (last != null || running != null) {
                latest.put(job, new Latest(job, last, lastSuccess, running, keys.size()));
            }
        }
        return latest;
    }

    /** The records of one job. */
    public History history(String job) {
        requireValidJobName(job);
        List<JobRun> finished = new ArrayList<>();
        List<JobRun> running = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(job))) {
            blobs.forEach(b -> {
                if (b.key().endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)) {
                    read(b.key()).ifPresent(finished::add);
                } else if (b.key().endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)) {
                    read(b.key()).ifPresent(running::add);
                }
            });
        }
        return new History(job, finished, running);
    }

    private void abandonStale(String job) {
        List<String> markers = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(job))) {
            blobs.filter(b -> b.key().endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)).forEach(b -> markers.add(b.key()));
        }
        for (String marker : markers) {
            Optional<JobRun> run = read(marker);
            if (run.isPresent()) {
                String recordKey = marker.substring(0, marker.length() - RepositoryLayout.JOB_RUNNING_SUFFIX.length())
                        + RepositoryLayout.JOB_RECORD_SUFFIX;
                JobRun abandoned = run.get().finished(null, JobRun.Outcome.ABANDONED, null,
                        "the process running it (" + run.get().host() + ", pid " + run.get().pid() + ") stopped before the run ended");
                try {
                    write(recordKey, abandoned);
                } catch (StorageException e) {
                    if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                        throw e;
                    }
                }
            }
            store.delete(marker);
        }
    }

    private void prune(String job) {
        List<String> records = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(job))) {
            blobs.filter(b -> b.key().endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)).forEach(b -> records.add(b.key()));
        }
        for (int i = 0; i < records.size() - KEPT_PER_JOB; i++) {
            store.delete(records.get(i));
        }
    }

    private void write(String key, JobRun run) {
        store.put(key, BlobContent.of(json(run)), PutMode.CREATE_ONLY);
    }

    private Optional<JobRun> read(String key) {
        try (InputStream in = store.get(key)) {
            return Optional.of(Json.mapper().readValue(in, JobRun.class));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty(); // finished (or pruned) while we listed
            }
            throw e;
        } catch (IOException e) {
            return Optional.empty(); // a record is advisory: an unreadable one is skipped, never fatal
        }
    }

    private static byte[] json(JobRun run) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(run);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot serialise a job record: " + e.getMessage(), null, e);
        }
    }

    private static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        String line = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        a.keySet().forEach(k -> names.put(k, true));
        b.keySet().forEach(k -> names.put(k, true));
        return new ArrayList<>(names.keySet());
    }
}
