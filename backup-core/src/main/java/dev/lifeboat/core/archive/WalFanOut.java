package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalContent;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.storage.StorageException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * wal-push into a {@link RepositorySet}. The contract PostgreSQL relies on: success only once
 * the file is durably stored in every required repository. The repositories that are not
 * required get the file on a best-effort basis:
 * <ul>
 *   <li>a repository whose queue is empty gets it directly, alongside the required ones; what
 *       has not landed within the optional wait after them is queued;</li>
 *   <li>a repository that is behind (its queue is not empty) gets the file queued at once, so a
 *       region that is down costs each wal-push a listing, not a timeout; at most every catch-up
 *       interval, one wal-push tries to copy the queue over (within the optional wait).</li>
 * </ul>
 * A failure of a required repository fails the push; a failure of another one is a warning.
 */
final class WalFanOut implements AutoCloseable {

    private final RepositorySet set;
    private final Duration optionalWait;
    private final Duration catchUpInterval;
    private final Clock clock;
    private final ExecutorService workers;
    /** Per repository that is not required: whether its queue holds anything (learnt once per process). */
    private final Map<String, Boolean> behind = new ConcurrentHashMap<>();
    /** Repositories whose queue this process has already tried to copy over. */
    private final Set<String> catchUpTried = ConcurrentHashMap.newKeySet();

    WalFanOut(RepositorySet set, Duration optionalWait, Duration catchUpInterval, Clock clock) {
        this.set = set;
        this.optionalWait = optionalWait;
        this.catchUpInterval = catchUpInterval;
        this.clock = clock;
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "lifeboat-wal-fan-out");
            thread.setDaemon(true);
            return thread;
        });
    }

    WalArchive.PushOutcome push(String fileName, WalContent content, String sha256, WalSummary summary) {
        Map<String, Future<WalArchive.PushOutcome>> direct = new LinkedHashMap<>();
        WalContent lasting = null; // an optional repository's push may go on after this one returns
        for (RepositoryConfig member : set.optional()) {
            if (!isBehind(member.name())) {
                lasting = lasting == null ? content.detached() : lasting;
                WalContent own = lasting;
                direct.put(member.name(), workers.submit(() -> set.open(member.name()).pushWal(fileName, own, sha256, summary)));
            }
        }
        WalArchive.PushOutcome outcome = pushToRequired(fileName, content, sha256, summary);

        long deadline = System.nanoTime() + optionalWait.toNanos();
        for (RepositoryConfig member : set.optional()) {
            String name = member.name();
            Future<WalArchive.PushOutcome> pushed = direct.get(name);
            if (pushed != null) {
                Optional<String> failure = await(pushed, deadline);
                if (failure.isEmpty()) {
                    continue;
                }
                queue(name, fileName, sha256, failure.get());
                behind.put(name, true);
                recordAttemptQuietly(name);
            } else {
                queue(name, fileName, sha256, null);
                catchUp(name, deadline);
            }
        }
        return outcome;
    }

    /** Every required repository, at the same time; the first failure (in configured order) fails the push. */
    private WalArchive.PushOutcome pushToRequired(String fileName, WalContent content, String sha256, WalSummary summary) {
        List<RepositoryConfig> required = set.required();
        if (required.size() == 1) {
            try {
                return set.open(required.get(0).name()).pushWal(fileName, content, sha256, summary);
            } catch (RuntimeException e) {
                throw named(required.get(0), e);
            }
        }
        List<Future<WalArchive.PushOutcome>> futures = new ArrayList<>();
        for (RepositoryConfig member : required) {
            // They compress at the same time: the frame room is the first one's alone.
            WalContent own = futures.isEmpty() ? content : content.withoutFrameRoom();
            futures.add(workers.submit(() -> set.open(member.name()).pushWal(fileName, own, sha256, summary)));
        }
        WalArchive.PushOutcome outcome = WalArchive.PushOutcome.ALREADY_ARCHIVED;
        RuntimeException first = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                if (futures.get(i).get() == WalArchive.PushOutcome.STORED) {
                    outcome = WalArchive.PushOutcome.STORED;
                }
            } catch (ExecutionException e) {
                RuntimeException failure = e.getCause() instanceof RuntimeException re ? re
                        : new LifeboatException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), null, e.getCause());
                if (first == null) {
                    first = named(required.get(i), failure);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while archiving " + fileName, null, e);
            }
        }
        if (first != null) {
            throw first;
        }
        return outcome;
    }

    /** A failure with the repository's name in front, keeping its code (and so the exit status). */
    private static RuntimeException named(RepositoryConfig member, RuntimeException failure) {
        if (failure instanceof LifeboatException le) {
            return new LifeboatException(le.code(), "repository " + member.name() + ": " + le.getMessage(), le.hint(), le);
        }
        if (failure instanceof StorageException se) {
            return new StorageException(se.kind(), se.location(), se.key(), "repository " + member.name() + ": " + se.getMessage(), se);
        }
        return failure;
    }

    private boolean isBehind(String name) {
        return behind.computeIfAbsent(name, n -> {
            try {
                return !set.queueFor(n).isEmpty();
            } catch (RuntimeException e) {
                return false; // the home is failing; the required push will say so
            }
        });
    }

    /** Empty when the push succeeded by the deadline, else why not. */
    private static Optional<String> await(Future<WalArchive.PushOutcome> pushed, long deadline) {
        try {
            pushed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("no answer in time");
        } catch (ExecutionException e) {
            return Optional.of(StorageException.oneLine(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private void queue(String name, String fileName, String sha256, String reason) {
        set.queueFor(name).add(fileName, sha256);
        set.warn(fileName + " queued for repository " + name + " in repository " + set.home().name()
                + (reason == null ? " (it is behind)" : ": " + reason));
    }

    private void recordAttemptQuietly(String name) {
        try {
            set.queueFor(name).recordAttempt(clock.instant());
        } catch (RuntimeException ignored) {
            // only spaces out the next attempts
        }
    }

    /** Tries to empty the queue of a repository that is behind, at most once per process and per interval. */
    private void catchUp(String name, long deadline) {
        if (!catchUpTried.add(name)) {
            return;
        }
        WalCatchUpQueue queue = set.queueFor(name);
        Instant now = clock.instant();
        Optional<Instant> last = queue.lastAttempt();
        if (last.isPresent() && last.get().plus(catchUpInterval).isAfter(now)) {
            return;
        }
        queue.recordAttempt(now);
        Future<WalCatchUpQueue.Drained> drain = workers.submit(() -> queue.drain(set.open(name), deadline, System::nanoTime));
        try {
            WalCatchUpQueue.Drained drained = drain.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            drained.problems().forEach(p -> set.warn("repository " + name + " is still behind: " + p));
            if (drained.complete()) {
                behind.put(name, false);
            }
        } catch (TimeoutException e) {
            // still copying: the rest waits for the next attempt
        } catch (ExecutionException e) {
            set.warn("repository " + name + " is still behind: " + StorageException.oneLine(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
