package dev.lifeboat.core.agent;

import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.archive.LauncherRepository;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long-running archiver of one cluster. PostgreSQL calls archive_command once per
 * segment, one at a time; the agent instead watches {@code pg_wal/archive_status/*.ready} and
 * stores every ready file at once, {@code jobs} in parallel, so that by the time PostgreSQL
 * asks, the launcher finds the file stored and answers without a JVM. When PostgreSQL asks
 * for a file the agent has not stored yet, the launcher files a request and waits for the
 * agent's answer (see {@link AgentDirectory} for the protocol).
 *
 * <p>PostgreSQL's own bookkeeping (.ready to .done) is left to PostgreSQL: only its
 * archive_command calls, answered after the file is durably stored, mark a file done. So a
 * dead agent costs nothing but speed: the launcher falls back to the JVM wal-push.
 */
public final class WalAgent implements AutoCloseable {

    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(1).toNanos();
    private static final long PRUNE_NANOS = Duration.ofSeconds(5).toNanos();
    /** While every job has a file queued behind it, the ready files are listed this often only. */
    private static final long BUSY_LISTING_NANOS = Duration.ofMillis(250).toNanos();
    /** Markers are kept this long after PostgreSQL has marked a file done, for launchers still reading them. */
    private static final long MARKER_GRACE_NANOS = Duration.ofSeconds(30).toNanos();
    private static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    private static final Duration LAST_RETRY = Duration.ofMinutes(2);

    /** What the agent has done since it started. */
    /** What the agent has done since it started; {@code streamedUpTo} is where the stored streamed WAL ends (null: not streaming). */
    public record Status(long stored, long storedBytes, long failures, int ready, int inFlight, String streamedUpTo) {
    }

    private record Stored(FileIdentity identity, long atNanos) {
    }

    /** A file that failed, and when to try again; {@code outage} when the store failed rather than the file. */
    private record Retry(int attempts, long notBeforeNanos, boolean outage) {
    }

    private final AgentSettings settings;
    private final ArchiveDestination destination;
    private final AgentListener listener;
    private final RepeatingNotes notes;
    private final AgentDirectory directory;
    private final Path walDirectory;
    private final ThreadPoolExecutor pushers;
    private final Map<String, PushTask> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Stored> stored = new ConcurrentHashMap<>();
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    private final AtomicLong storedCount = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private final AtomicLong failureCount = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread watcher;
    private final WalStreamer streamer;
    private volatile boolean running = true;
    private volatile int readyCount;

    private WalAgent(AgentSettings settings, ArchiveDestination destination, AgentListener listener) {
        this.settings = settings;
        this.destination = destination;
        this.listener = listener;
        this.notes = new RepeatingNotes(listener);
        this.directory = AgentDirectory.of(settings.pgdata());
        this.walDirectory = settings.pgdata().resolve("pg_wal");
        this.pushers = new ThreadPoolExecutor(settings.jobs(), settings.jobs(), 0, TimeUnit.SECONDS,
                new PriorityBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "lifeboat-agent-push");
                    t.setDaemon(true);
                    return t;
                });
        this.watcher = new Thread(this::watch, "lifeboat-agent-watch");
        this.watcher.setDaemon(true);
        this.streamer = settings.stream() == null ? null : new WalStreamer(settings.stream(), destination,
                settings.stream().segmentSize(), settings.stream().systemIdentifier(), directory.root().resolve("stream"), listener);
    }

    /**
     * Prepares the agent directory and starts watching.
     *
     * @throws LifeboatException {@link ErrorCode#USAGE} when pgdata is no data directory with
     *     archiving, {@link ErrorCode#STORAGE} when the agent directory cannot be written
     */
    public static WalAgent start(AgentSettings settings, ArchiveDestination destination, AgentListener listener) {
        return start(settings, destination, LauncherRepository.of(destination.location()), listener);
    }

    /**
     * As {@link #start(AgentSettings, ArchiveDestination, AgentListener)}, serving the launcher's
     * wal-push commands that name the repository with {@code served}'s words (--repo, --key-file).
     */
    public static WalAgent start(AgentSettings settings, ArchiveDestination destination, LauncherRepository served,
                                 AgentListener listener) {
        Path status = settings.pgdata().resolve("pg_wal").resolve("archive_status");
        if (!Files.isDirectory(status)) {
            throw new LifeboatException(ErrorCode.USAGE, settings.pgdata() + " is not a PostgreSQL data directory (no pg_wal/archive_status)",
                    "pass the cluster's data directory with --pgdata");
        }
        WalAgent agent = new WalAgent(settings, destination, listener);
        try {
            if (!agent.directory.lock()) {
                throw new LifeboatException(ErrorCode.USAGE, "another lifeboat agent runs for " + settings.pgdata(),
                        "one agent per cluster: stop the other one first");
            }
            agent.directory.prepare(served);
            agent.directory.beat();
        } catch (IOException e) {
            agent.directory.unlock();
            throw new LifeboatException(ErrorCode.STORAGE, "cannot write the agent directory " + agent.directory.root() + ": "
                    + e.getMessage(), "run the agent as the data directory's owner (or root)", e);
        } catch (RuntimeException e) {
            agent.directory.unlock();
            throw e;
        }
        agent.watcher.start();
        if (agent.streamer != null) {
            agent.streamer.start();
        }
        return agent;
    }

    public Status status() {
        return new Status(storedCount.get(), storedBytes.get(), failureCount.get(), readyCount, inFlight.size(),
                streamer == null ? null : streamer.storedUpTo().toString());
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops: launchers fall back to the JVM at once, files not yet started are left to them,
     * and the pushes under way are finished (never cut off half-written).
     */
    @Override
    public void close() {
        if (!running) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        running = false;
        directory.stopBeating();
        if (streamer != null) {
            streamer.close();
        }
        try {
            watcher.join(10_000);
            pushers.getQueue().clear();
            pushers.shutdown();
            if (!pushers.awaitTermination(10, TimeUnit.MINUTES)) {
                listener.note("pushes still running after 10 minutes; leaving them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            directory.unlock();
            stopped.countDown();
        }
    }

    private void watch() {
        long lastBeat = System.nanoTime();
        long lastPrune = System.nanoTime();
        long lastListing = 0;
        while (running) {
            try {
                long now = System.nanoTime();
                if (now - lastBeat >= HEARTBEAT_NANOS) {
                    directory.beat();
                    lastBeat = now;
                }
                for (String name : directory.requests()) {
                    consider(name, true);
                }
                long listedAt = System.nanoTime();
                // A listing of archive_status (its .done files too) costs more than a push can
                // spare while a backlog drains, and finds nothing the queue lacks.
                boolean busy = pushers.getQueue().size() >= settings.jobs();
                if (!busy || listedAt - lastListing >= BUSY_LISTING_NANOS) {
                    lastListing = listedAt;
                    List<String> ready = readyNames();
                    readyCount = ready.size();
                    for (String name : ready) {
                        consider(name, false);
                    }
                    if (listedAt - lastPrune >= PRUNE_NANOS) {
                        prune(new HashSet<>(ready), listedAt);
                        lastPrune = listedAt;
                    }
                }
            } catch (IOException | RuntimeException e) {
                notes.note("cannot watch " + walDirectory + ": " + e);
            }
            try {
                Thread.sleep(settings.poll().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void consider(String name, boolean requested) {
        if (!WalArchive.isArchivableName(name)) {
            if (requested) {
                directory.removeRequest(name);
            }
            return;
        }
        PushTask pending = inFlight.get(name);
        if (pending != null) {
            if (requested) {
                pending.requested = true;
            }
            return;
        }
        Stored known = stored.get(name);
        if (known != null) {
            if (!requested) {
                return;
            }
            if (sameFile(name, known.identity())) {
                directory.removeRequest(name); // the launcher looked just before the marker appeared
                return;
            }
            // The launcher saw a file that is not the one stored: store what is there now (or refuse it).
            stored.remove(name);
            directory.forgetStored(name);
        }
        Retry retry = retries.get(name);
        if (!requested && retry != null && System.nanoTime() < retry.notBeforeNanos()) {
            return;
        }
        PushTask task = new PushTask(name, requested);
        if (inFlight.putIfAbsent(name, task) == null) {
            pushers.execute(task);
        }
    }

    private boolean sameFile(String name, FileIdentity identity) {
        try {
            return FileIdentity.of(walDirectory.resolve(name)).equals(identity);
        } catch (IOException e) {
            return false;
        }
    }

    /** Forgets files PostgreSQL no longer has ready: it will not ask for them again. */
    private void prune(Set<String> ready, long listedAt) {
        stored.entrySet().removeIf(e -> {
            if (ready.contains(e.getKey()) || listedAt - e.getValue().atNanos() < MARKER_GRACE_NANOS) {
                return false;
            }
            directory.forgetStored(e.getKey());
            return true;
        });
        retries.keySet().removeIf(name -> !ready.contains(name) && !inFlight.containsKey(name));
    }

    private List<String> readyNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(walDirectory.resolve("archive_status"))) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.endsWith(".ready")) { // not a glob: it would compile a pattern on every listing
                    names.add(file.substring(0, file.length() - ".ready".length()));
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** One file to store; files the launcher waits for go first, then in name (= WAL) order. */
    private final class PushTask implements Runnable, Comparable<PushTask> {
        private final String name;
        private volatile boolean requested;

        PushTask(String name, boolean requested) {
            this.name = name;
            this.requested = requested;
        }

        @Override
        public int compareTo(PushTask other) {
            if (requested != other.requested) {
                return requested ? -1 : 1;
            }
            return name.compareTo(other.name);
        }

        @Override
        public void run() {
            Path file = walDirectory.resolve(name);
            RuntimeException problem = null;
            try {
                if (!Files.exists(file)) {
                    // Archived meanwhile by a JVM wal-push and recycled: nothing to store.
                    problem = new LifeboatException(ErrorCode.USAGE, "WAL file " + file + " does not exist", null);
                    return;
                }
                FileIdentity before = FileIdentity.settled(file);
                WalPushService.Result result = destination.push(file);
                if (!FileIdentity.of(file).equals(before)) {
                    throw new LifeboatException(ErrorCode.STORAGE, "WAL file " + file + " changed while it was being archived",
                            "something other than PostgreSQL writes into pg_wal");
                }
                directory.markStored(name, before, result.sha256());
                stored.put(name, new Stored(before, System.nanoTime()));
                // The store works again: what failed because it did not is tried at once, not after its back-off.
                retries.values().removeIf(Retry::outage);
                retries.remove(name);
                directory.clearFailed(name);
                storedCount.incrementAndGet();
                storedBytes.addAndGet(result.bytes());
                listener.stored(result);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = new LifeboatException(ErrorCode.INTERNAL, "interrupted", null, e);
            } catch (IOException e) {
                problem = new LifeboatException(ErrorCode.STORAGE, "cannot read " + file + ": " + LocalFileProblem.reason(e), null, e);
                failed(problem);
            } catch (RuntimeException e) {
                problem = e;
                failed(e);
            } finally {
                inFlight.remove(name);
                // Asked for (now or while it ran): answer before the request goes, so the launcher never waits for nothing.
                boolean asked = requested;
                if (asked && problem != null) {
                    try {
                        directory.markFailed(name, problem.getMessage() == null ? problem.toString() : problem.getMessage());
                    } catch (IOException ignored) {
                        // the launcher sees its request gone without an answer and runs the JVM wal-push
                    }
                }
                if (asked) {
                    directory.removeRequest(name);
                }
            }
        }

        private void failed(RuntimeException problem) {
            failureCount.incrementAndGet();
            Retry previous = retries.get(name);
            int attempts = previous == null ? 1 : previous.attempts() + 1;
            long delay = Math.min(LAST_RETRY.toNanos(), FIRST_RETRY.toNanos() << Math.min(attempts - 1, 10));
            boolean outage = problem instanceof dev.lifeboat.storage.StorageException
                    || problem instanceof LifeboatException le && le.code() == ErrorCode.STORAGE;
            retries.put(name, new Retry(attempts, System.nanoTime() + delay, outage));
            listener.failed(name, problem);
        }
    }
}
