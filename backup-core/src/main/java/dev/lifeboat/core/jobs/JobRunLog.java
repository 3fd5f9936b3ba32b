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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The record of job runs in a repository, so that every host, `info` and `status` see the
 * same history. A run writes a marker when it starts and a record when it ends (both
 * CREATE_ONLY), then removes the marker: a marker left behind is a run whose process died,
 * which the job's next run turns into an ABANDONED record.
 *
 * <p>A scheduled run is first admitted ({@link #admit}): it claims its due time (CREATE_ONLY,
 * so one run per job and due time, whichever daemon or scheduler quirk fires it again), and it
 * is refused while another run of the job is known to be under way. Only a recovery may claim
 * a due time again, and only once the run that claimed it is gone (process dead, or declared
 * dead by the scheduler cluster) without having finished.
 */
public final class JobRunLog {

    /** Records kept per job; older ones are removed as new ones are written. */
    public static final int KEPT_PER_JOB = 200;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    /** Runs under way in this JVM (host/pid/job/runKey): a marker of this process not listed here is stale. */
    private static final Set<String> UNDER_WAY_HERE = ConcurrentHashMap.newKeySet();

    private final BlobStore store;
    private final Clock clock;
    private final LocalProcesses processes;

    public JobRunLog(Repository repository, Clock clock) {
        this(repository, clock, LocalProcesses.current());
    }

    public JobRunLog(Repository repository, Clock clock, LocalProcesses processes) {
        this.store = repository.store();
        this.clock = clock;
        this.processes = processes;
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

    /** What {@link #admit} answers: the run started, or why it did not. */
    public sealed interface Admission permits Started, Refused {
    }

    /** A run under way: its marker is in the repository. */
    public record Started(JobRun run, String runKey) implements Admission {
    }

    /**
     * A run that was not started.
     *
     * @param duplicate true when its due time already had a run (finished or under way)
     * @param reason    one line: which run was there first, and what became of it
     */
    public record Refused(String job, String trigger, Instant scheduledFor, boolean duplicate, String reason) implements Admission {
    }

    /**
     * Records the start of a run (after turning markers of dead earlier runs of the job into
     * ABANDONED records), for commands that run on request: nothing is refused.
     */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, String instance) {
        return start(job, kind, trigger, scheduledFor, null, instance);
    }

    /** As above, for a catch-up run: {@code missed} is the due time it makes up for. */
    public Started start(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        requireValidJobName(job);
        JobRun run = newRun(job, kind, trigger, scheduledFor, missed, instance);
        String runKey = runKey(run);
        UNDER_WAY_HERE.add(here(job, runKey));
        try {
            abandonStale(job);
            store.put(RepositoryLayout.jobRunning(job, runKey), BlobContent.of(json(run)), PutMode.CREATE_ONLY);
            return new Started(run, runKey);
        } catch (RuntimeException e) {
            UNDER_WAY_HERE.remove(here(job, runKey));
            throw e;
        }
    }

    /**
     * Starts a scheduled run unless it would run a due time twice or run the job twice at once:
     * refused while another run of the job is under way (in this process, or in a live process
     * of this host), and when its due time was claimed by a run that finished, is under way, or
     * died (then only a {@code recovery} may claim it again). A run without a due time is only
     * checked for runs under way.
     */
    public Admission admit(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        requireValidJobName(job);
        JobRun run = newRun(job, kind, trigger, scheduledFor, missed, instance);
        String runKey = runKey(run);
        UNDER_WAY_HERE.add(here(job, runKey));
        try {
            Optional<Refused> refused = refuseWhileUnderWay(run);
            if (refused.isEmpty() && scheduledFor != null) {
                refused = claim(run, runKey);
            }
            if (refused.isPresent()) {
                UNDER_WAY_HERE.remove(here(job, runKey));
                return refused.get();
            }
            abandonStale(job);
            store.put(RepositoryLayout.jobRunning(job, runKey), BlobContent.of(json(run)), PutMode.CREATE_ONLY);
            return new Started(run, runKey);
        } catch (RuntimeException e) {
            UNDER_WAY_HERE.remove(here(job, runKey));
            throw e;
        }
    }

    /** Records how a run ended and removes its marker. */
    public JobRun finish(Started started, JobRun.Outcome outcome, String summary, String error) {
        JobRun done = started.run().finished(clock.instant(), outcome, oneLine(summary), oneLine(error));
        String job = done.job();
        try {
            write(RepositoryLayout.jobRecord(job, started.runKey()), done);
            store.delete(RepositoryLayout.jobRunning(job, started.runKey()));
        } finally {
            UNDER_WAY_HERE.remove(here(job, started.runKey()));
        }
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
            if (run.isPresent() && underWay(run.get(), runKeyOf(marker))) {
                continue; // alive: not ours to close
            }
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

    private JobRun newRun(String job, String kind, String trigger, Instant scheduledFor, Instant missed, String instance) {
        String runId = UUID.randomUUID().toString().substring(0, 8);
        return new JobRun(job, kind, runId, trigger, scheduledFor, clock.instant(), null, null, null, null,
                processes.host(), processes.pid(), instance, missed);
    }

    private static String runKey(JobRun run) {
        return KEY_TIME.format(run.startTime()) + "-" + run.runId();
    }

    private static String runKeyOf(String markerOrRecordKey) {
        String name = markerOrRecordKey.substring(markerOrRecordKey.lastIndexOf('/') + 1);
        return name.substring(0, name.lastIndexOf('.'));
    }

    private String here(String job, String runKey) {
        return processes.host() + "/" + processes.pid() + "/" + job + "/" + runKey;
    }

    /** Whether a run that some process recorded is known to be going on now. */
    private boolean underWay(String job, String runKey, String host, long pid, Instant since) {
        if (!processes.host().equals(host)) {
            return false; // cannot be asked; the scheduler cluster declared it dead, or it is a leftover
        }
        if (pid == processes.pid()) {
            return UNDER_WAY_HERE.contains(here(job, runKey));
        }
        return since != null && processes.alive(pid, since);
    }

    private boolean underWay(JobRun run, String runKey) {
        return underWay(run.job(), runKey, run.host(), run.pid(), run.startTime());
    }

    private Optional<Refused> refuseWhileUnderWay(JobRun run) {
        List<String> markers = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(run.job()))) {
            blobs.filter(b -> b.key().endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)).forEach(b -> markers.add(b.key()));
        }
        for (String marker : markers) {
            Optional<JobRun> other = read(marker);
            if (other.isPresent() && underWay(other.get(), runKeyOf(marker))) {
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
        List<String> claims = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobDuePrefix(job, run.scheduledFor()))) {
            blobs.filter(b -> b.key().endsWith(RepositoryLayout.JOB_CLAIM_SUFFIX)).forEach(b -> claims.add(b.key()));
        }
        int attempt = 0;
        if (!claims.isEmpty()) {
            String lastKey = claims.get(claims.size() - 1);
            Optional<RunClaim> last = readClaim(lastKey);
            if (last.isEmpty()) {
                return Optional.of(duplicate(run, "its claim " + lastKey + " is unreadable, so it may have run"));
            }
            RunClaim previous = last.get();
            String who = "run " + previous.runId() + " (" + previous.trigger() + ") on " + previous.host();
            Optional<JobRun> record = read(RepositoryLayout.jobRecord(job, previous.runKey()));
            if (record.isPresent() && record.get().outcome() != JobRun.Outcome.ABANDONED) {
                return Optional.of(duplicate(run, "it already ran: " + who + ", "
                        + record.get().outcome().name().toLowerCase(java.util.Locale.ROOT)));
            }
            if (record.isEmpty() && underWay(job, previous.runKey(), previous.host(), previous.pid(), previous.claimedAt())) {
                return Optional.of(duplicate(run, "it is being run now: " + who + ", pid " + previous.pid()));
            }
            if (!JobRun.TRIGGER_RECOVERY.equals(run.trigger())) {
                return Optional.of(duplicate(run, "it was claimed already by " + who + ", which has no record yet (still running "
                        + "elsewhere, or stopped before it ended); only a recovery runs it again"));
            }
            attempt = previous.attempt() + 1;
        }
        RunClaim claim = new RunClaim(job, run.scheduledFor(), attempt, run.trigger(), run.runId(), runKey, run.host(), run.pid(),
                run.instance(), run.startTime());
        try {
            store.put(RepositoryLayout.jobDueClaim(job, run.scheduledFor(), attempt), BlobContent.of(json(claim)), PutMode.CREATE_ONLY);
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

    private Optional<RunClaim> readClaim(String key) {
        return Json.readIfPresent(store, key, RunClaim.class);
    }

    private void prune(String job) {
        List<String> records = new ArrayList<>();
        List<String> claims = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(job))) {
            blobs.forEach(b -> {
                if (b.key().endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)) {
                    records.add(b.key());
                } else if (b.key().endsWith(RepositoryLayout.JOB_CLAIM_SUFFIX)) {
                    claims.add(b.key());
                }
            });
        }
        for (int i = 0; i < records.size() - KEPT_PER_JOB; i++) {
            store.delete(records.get(i));
        }
        // claims sort by due time: a duplicate fire comes within minutes, so the newest ones suffice
        for (int i = 0; i < claims.size() - KEPT_PER_JOB; i++) {
            store.delete(claims.get(i));
        }
    }

    private void write(String key, JobRun run) {
        store.put(key, BlobContent.of(json(run)), PutMode.CREATE_ONLY);
    }

    /** A record is advisory: one finished (or pruned) while we listed, or unreadable, is skipped. */
    private Optional<JobRun> read(String key) {
        return Json.readIfPresent(store, key, JobRun.class);
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
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
