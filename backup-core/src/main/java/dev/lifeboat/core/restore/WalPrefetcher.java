package dev.lifeboat.core.restore;

import dev.lifeboat.core.archive.WalFetchService;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.archive.LauncherRepository;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds a recovering instance its WAL ahead of its restore_command calls. PostgreSQL asks for
 * one segment at a time and replays it before it asks for the next; a JVM per call, or one
 * download at a time, leaves replay waiting. While a restore waits for the new instance, this
 * fetches the next {@code depth} segments of the replay path in parallel, each verified before
 * it appears in the spool (see {@link SpoolDirectory}), and answers the launcher's requests for
 * anything else (history files, the streamed tail, a file asked again) with the same rules as
 * {@link WalFetchService}: "missing" only when the repository says so, "failed" (the JVM then
 * reports it and recovery stops) on anything else.
 */
public final class WalPrefetcher implements AutoCloseable {

    private static final long HEARTBEAT_NANOS = 1_000_000_000L;

    /** What it did: files handed over from the spool, answers to requests. */
    public record Stats(long prefetched, long requested, long missing, long failed) {
    }

    private final Repository repository;
    private final SpoolDirectory spool;
    private final List<ArchivedWal> path;
    private final Map<String, Integer> positionOf = new HashMap<>();
    private final int depth;
    private final ThreadPoolExecutor fetchers;
    private final Map<String, FetchTask> inFlight = new ConcurrentHashMap<>();
    /** Files placed in the spool and not yet taken; true for those placed because the launcher asked. */
    private final Map<String, Boolean> spooled = new ConcurrentHashMap<>();
    private final Set<String> prefetchFailed = ConcurrentHashMap.newKeySet();
    private final AtomicLong prefetched = new AtomicLong();
    private final AtomicLong requested = new AtomicLong();
    private final AtomicLong missing = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread coordinator;
    private volatile boolean running = true;
    /** Index in the path of the next segment recovery will want, as far as can be seen. */
    private volatile int position;
    private int next;

    private WalPrefetcher(Repository repository, SpoolDirectory spool, List<ArchivedWal> path, int depth, int threads) {
        this.repository = repository;
        this.spool = spool;
        this.path = path;
        this.depth = depth;
        for (int i = 0; i < path.size(); i++) {
            positionOf.put(path.get(i).fileName(), i);
        }
        this.fetchers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "lifeboat-prefetch");
            t.setDaemon(true);
            return t;
        });
        this.coordinator = new Thread(this::coordinate, "lifeboat-prefetch-coordinator");
        this.coordinator.setDaemon(true);
    }

    /**
     * Prepares the spool in {@code pgdata}'s pg_wal and starts fetching.
     *
     * @param served         the --repo (and --key-file) words of the restore_command, which the launcher compares
     * @param path           the segments recovery replays, in order
     * @param depth          how many segments may wait in the spool
     */
    public static WalPrefetcher start(Repository repository, Path pgdata, LauncherRepository served, List<ArchivedWal> path,
                                      int depth, int threads) throws IOException {
        SpoolDirectory spool = SpoolDirectory.of(pgdata);
        spool.prepare(served);
        WalPrefetcher prefetcher = new WalPrefetcher(repository, spool, path, Math.max(1, depth), Math.max(1, threads));
        prefetcher.coordinator.start();
        return prefetcher;
    }

    public Stats stats() {
        return new Stats(prefetched.get(), requested.get(), missing.get(), failed.get());
    }

    /** Stops fetching and removes the spool: from now on the launcher uses the JVM wal-fetch. */
    @Override
    public void close() {
        running = false;
        try {
            coordinator.join(5_000);
            fetchers.getQueue().clear();
            fetchers.shutdown();
            fetchers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            spool.remove();
        }
    }

    private void coordinate() {
        long lastBeat = System.nanoTime();
        while (running) {
            try {
                if (System.nanoTime() - lastBeat >= HEARTBEAT_NANOS) {
                    spool.beat();
                    lastBeat = System.nanoTime();
                }
                noticeTaken();
                for (String name : spool.requests()) {
                    onRequest(name);
                }
                discardPassed();
                fill();
            } catch (IOException | RuntimeException e) {
                // the launcher falls back to the JVM for anything not answered
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Files gone from the spool were taken by recovery: it has moved past them. */
    private void noticeTaken() {
        for (String name : spooled.keySet()) {
            if (!spool.holds(name)) {
                spooled.remove(name);
                prefetched.incrementAndGet();
                Integer index = positionOf.get(name);
                if (index != null && index + 1 > position) {
                    position = index + 1;
                }
            }
        }
    }

    private void onRequest(String name) {
        if (spooled.containsKey(name) && spool.holds(name)) {
            spool.removeRequest(name); // the launcher looked just before it was placed
            return;
        }
        Integer index = positionOf.get(name);
        if (index != null && index > position) {
            position = index;
        }
        FetchTask running = inFlight.get(name);
        if (running != null) {
            running.requested = true;
            return;
        }
        submit(new FetchTask(name, index == null ? null : path.get(index), true, index == null ? -1 : index));
    }

    /**
     * Prefetched files before recovery's position will not be asked for (recovery got them
     * otherwise). Files placed on request stay until taken.
     */
    private void discardPassed() {
        for (Map.Entry<String, Boolean> entry : spooled.entrySet()) {
            String name = entry.getKey();
            Integer index = positionOf.get(name);
            if (!entry.getValue() && index != null && index < position) {
                spooled.remove(name);
                spool.discard(name);
            }
        }
    }

    private void fill() {
        if (next < position) {
            next = position;
        }
        while (next < path.size() && spooled.size() + prefetchesInFlight() < depth) {
            ArchivedWal wal = path.get(next);
            if (!spooled.containsKey(wal.fileName()) && !inFlight.containsKey(wal.fileName())
                    && !prefetchFailed.contains(wal.fileName())) {
                submit(new FetchTask(wal.fileName(), wal, false, next));
            }
            next++;
        }
    }

    private int prefetchesInFlight() {
        int n = 0;
        for (FetchTask task : inFlight.values()) {
            if (!task.requested) {
                n++;
            }
        }
        return n;
    }

    private void submit(FetchTask task) {
        if (inFlight.putIfAbsent(task.name, task) == null) {
            fetchers.execute(task);
        }
    }

    /** One file into the spool; requested files first, then in replay order. */
    private final class FetchTask implements Runnable, Comparable<FetchTask> {
        private final String name;
        private final ArchivedWal known;
        private final int index;
        private volatile boolean requested;

        FetchTask(String name, ArchivedWal known, boolean requested, int index) {
            this.name = name;
            this.known = known;
            this.requested = requested;
            this.index = index;
        }

        @Override
        public int compareTo(FetchTask other) {
            if (requested != other.requested) {
                return requested ? -1 : 1;
            }
            return Integer.compare(index, other.index);
        }

        @Override
        public void run() {
            if (!running) {
                inFlight.remove(name);
                return;
            }
            boolean found = true;
            RuntimeException problem = null;
            try {
                if (known != null) {
                    repository.wal().fetch(known, spool.temporary(name), false);
                } else {
                    found = new WalFetchService(repository).fetch(name, spool.temporary(name)) == WalFetchService.Outcome.DELIVERED;
                }
                if (found) {
                    spool.place(name);
                    spooled.put(name, requested); // after: a name in the set but not on disk counts as taken
                    prefetchFailed.remove(name);
                }
            } catch (IOException e) {
                spooled.remove(name);
                problem = new java.io.UncheckedIOException(e);
            } catch (RuntimeException e) {
                spooled.remove(name);
                problem = e;
            } finally {
                inFlight.remove(name);
            }
            // Asked for (now or while it ran): answer before the request goes, so the launcher never waits for nothing.
            boolean asked = requested;
            if (asked) {
                spooled.computeIfPresent(name, (n, placedOnRequest) -> true);
            }
            try {
                if (problem != null) {
                    if (asked) {
                        failed.incrementAndGet();
                        spool.answerFailed(name, problem.getMessage() == null ? problem.toString() : problem.getMessage());
                    } else {
                        prefetchFailed.add(name); // recovery's own request tries again, and says why
                    }
                } else if (!found) {
                    if (asked) {
                        missing.incrementAndGet();
                        spool.answerMissing(name);
                    }
                } else if (asked) {
                    WalPrefetcher.this.requested.incrementAndGet();
                }
            } catch (IOException e) {
                // unanswered: the launcher sees its request gone without an answer and asks the JVM
            } finally {
                if (asked) {
                    spool.removeRequest(name);
                }
            }
        }
    }
}
