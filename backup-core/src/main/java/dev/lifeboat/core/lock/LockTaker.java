package dev.lifeboat.core.lock;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Takes a repository's lock, using nothing but what every store has: list, get, delete and a
 * CREATE_ONLY put. The lock objects are numbered generations (locks/NAME/0000000001.lock, ...),
 * each written by the one command that created it:
 * <ul>
 * <li>a command may take the lock only when every generation there is stale (or there is
 *     none); it then creates the next number, CREATE_ONLY, so of two commands taking over the
 *     same stale lock the store lets exactly one win;</li>
 * <li>right after creating its generation a command lists again, and withdraws (removes its
 *     own object) when another generation there is live: of two commands that listed at the
 *     same time and created different numbers, at least one sees the other;</li>
 * <li>nobody replaces an object it did not create, and a stale object is removed only by the
 *     command that has won the lock after it, so a stalled holder renewing its lease can never
 *     overwrite its successor's lock.</li>
 * </ul>
 * A holder removes its object when it is done, so a command that ends leaves the repository
 * as it was. A holder is stale once its lease has expired (it renews the lease while it runs),
 * or at once when it ran on this host and its process is gone (pid no longer alive, or alive
 * but started after the lock was taken: a reused pid). A command refused because the lock is
 * held has written nothing.
 */
public final class LockTaker {

    private static final DateTimeFormatter SHOWN = Liveness.SHOWN;
    private static final int ATTEMPTS = 4;
    private static final Duration RETRY_EVERY = Duration.ofSeconds(2);

    private final BlobStore store;
    private final String lockName;
    private final Clock clock;
    private final LocalProcesses processes;
    private final Duration lease;
    private final Duration renewEvery;
    private final Liveness liveness;

    public LockTaker(BlobStore store, String lockName, Clock clock, LocalProcesses processes, Duration lease, Duration renewEvery) {
        this.store = store;
        this.lockName = lockName;
        this.clock = clock;
        this.processes = processes;
        this.lease = lease;
        this.renewEvery = renewEvery;
        this.liveness = new Liveness(clock, processes);
    }

    /**
     * Takes the lock for {@code command}, or fails at once with {@link ErrorCode#LOCKED} naming
     * the holder.
     */
    public RepositoryLock acquire(String command) {
        return acquire(command, Duration.ZERO);
    }

    /**
     * Takes the lock, trying again every few seconds while it is held, for at most
     * {@code wait}; then fails as above, naming the holder.
     */
    public RepositoryLock acquire(String command, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return acquireOnce(command);
            } catch (LifeboatException e) {
                long left = deadline - System.nanoTime();
                if (e.code() != ErrorCode.LOCKED || left <= 0) {
                    throw e;
                }
                try {
                    Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, RETRY_EVERY.toMillis()));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e; // told to stop (a daemon shutting down): as refused
                }
            }
        }
    }

    private RepositoryLock acquireOnce(String command) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            List<BlobInfo> generations = generations();
            List<String> staleOnes = new ArrayList<>();
            try {
                for (int i = generations.size() - 1; i >= 0; i--) {
                    judge(command, generations.get(i)).ifPresent(staleOnes::add); // throws while one is live
                }
            } catch (HeldByAnother held) {
                pause(attempt);
                if (stillHolds(held)) {
                    throw held;
                }
                continue; // a taker that withdrew at once: not the one to name
            }
            long next = generations.isEmpty() ? 1 : RepositoryLayout.generationOfLock(generations.get(generations.size() - 1).key()) + 1;
            Instant now = clock.instant();
            LockHolder mine = new LockHolder(LockHolder.CURRENT_FORMAT, next, UUID.randomUUID().toString().substring(0, 8), command,
                    processes.host(), processes.pid(), now, now, now.plus(lease));
            String key = RepositoryLayout.lockGeneration(lockName, next);
            RepositoryLock.markHeldHere(mine);
            try {
                store.put(key, BlobContent.of(json(mine)), PutMode.CREATE_ONLY);
            } catch (StorageException e) {
                RepositoryLock.unmarkHeldHere(mine);
                if (e.kind() == StorageException.Kind.ALREADY_EXISTS) {
                    continue; // another command took this generation first: judged like any holder on the next turn
                }
                throw e;
            }
            if (anotherLiveGeneration(next)) {
                RepositoryLock.unmarkHeldHere(mine);
                store.delete(key); // ours: withdrawn, as if never written
                pause(attempt);
                continue;
            }
            removeOtherGenerations(next);
            return new RepositoryLock(store, key, mine, staleOnes.isEmpty() ? null : String.join("; ", staleOnes), clock, lease,
                    renewEvery, this);
        }
        throw new LifeboatException(ErrorCode.LOCKED, "the lock of repository " + store.location() + " changed hands " + ATTEMPTS
                + " times while " + command + " tried to take it", "another command is starting at the same moment; try again");
    }

    /**
     * Refuses while the holder a lock object names is live; otherwise says who it was and why
     * it counts as gone.
     */
    private Optional<String> judge(String command, BlobInfo generation) {
        Optional<LockHolder> holder = read(generation.key());
        if (holder.isEmpty()) {
            if (!store.stat(generation.key()).isPresent()) {
                return Optional.empty(); // released while we listed
            }
            if (!unreadableIsStale(generation)) {
                throw new LifeboatException(ErrorCode.LOCKED, "the lock " + generation.key() + " of repository " + store.location()
                        + " is unreadable and was written less than " + lease.toSeconds() + " s ago, so " + command
                        + " cannot tell whether another command holds it",
                        "try again in " + lease.toSeconds() + " s; an unreadable lock is taken over once that old");
            }
            return Optional.of("an unreadable lock " + generation.key());
        }
        Optional<String> staleBecause = staleBecause(holder.get());
        if (staleBecause.isEmpty()) {
            throw refused(command, generation.key(), holder.get());
        }
        return Optional.of(holder.get().command() + ", " + describe(holder.get()) + " (" + staleBecause.get() + ")");
    }

    /**
     * A listing may show a taker's object in the moment before it withdraws (it lost to a
     * generation the listing missed): the refusal must name the holder that stays.
     */
    private boolean stillHolds(HeldByAnother held) {
        return read(held.key).filter(h -> h.lockId().equals(held.holder.lockId()) && staleBecause(h).isEmpty()).isPresent();
    }

    private boolean anotherLiveGeneration(long mine) {
        for (BlobInfo b : generations()) {
            if (RepositoryLayout.generationOfLock(b.key()) == mine) {
                continue;
            }
            Optional<LockHolder> other = read(b.key());
            if (other.isPresent() ? staleBecause(other.get()).isEmpty() : store.stat(b.key()).isPresent() && !unreadableIsStale(b)) {
                return true;
            }
        }
        return false;
    }

    /** A short random pause, so that two commands that keep withdrawing for each other stop meeting. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(50L + java.util.concurrent.ThreadLocalRandom.current().nextLong(200L * (attempt + 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why a holder no longer holds the lock, or empty while it does. */
    Optional<String> staleBecause(LockHolder holder) {
        return liveness.staleBecause(holder);
    }

    /**
     * Whether {@code mine} still holds the lock: its object is there and names it, and no other
     * generation is live (a command that judged it stale has taken over).
     */
    boolean stillHeld(String key, LockHolder mine) {
        Optional<LockHolder> stored = read(key);
        return stored.isPresent() && stored.get().lockId().equals(mine.lockId()) && !anotherLiveGeneration(mine.generation());
    }

    /** The live holder of another generation than ours, if any (who took the lock over). */
    Optional<LockHolder> otherLiveHolder(long mine) {
        for (BlobInfo b : generations()) {
            if (RepositoryLayout.generationOfLock(b.key()) != mine) {
                Optional<LockHolder> other = read(b.key());
                if (other.isPresent() && staleBecause(other.get()).isEmpty()) {
                    return other;
                }
            }
        }
        return Optional.empty();
    }

    /** The current content of a lock object, empty when it is gone or unreadable. */
    Optional<LockHolder> read(String key) {
        return Json.readIfPresent(store, key, LockHolder.class);
    }

    private List<BlobInfo> generations() {
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.lockPrefix(lockName))) {
            return blobs.filter(b -> RepositoryLayout.generationOfLock(b.key()) >= 0).toList();
        }
    }

    /** Only a lock object hand-damaged (puts are atomic) is unreadable: judged by its age alone. */
    private boolean unreadableIsStale(BlobInfo blob) {
        return blob.lastModified() != null && clock.instant().isAfter(blob.lastModified().plus(lease));
    }

    /** The others were judged stale before ours was created: they tell nothing more. Best effort. */
    private void removeOtherGenerations(long generation) {
        for (BlobInfo b : generations()) {
            if (RepositoryLayout.generationOfLock(b.key()) != generation) {
                try {
                    store.delete(b.key());
                } catch (StorageException ignored) {
                    // removed by the next command that takes the lock
                }
            }
        }
    }

    private HeldByAnother refused(String command, String key, LockHolder holder) {
        String running = holder.command().equals(command) ? "another " + holder.command() + " is running" : "a " + holder.command()
                + " is running";
        return new HeldByAnother(key, holder,
                running + " on repository " + store.location() + ": " + describe(holder) + " (lock " + key + ")"
                        + (holder.command().equals(command) ? "" : ", so " + command + " cannot run now"),
                "run " + command + " again when it has finished; if that process is gone, the lock is taken over "
                        + (processes.host().equals(holder.host()) ? "at once" : "once its lease ends at "
                        + SHOWN.format(holder.leaseUntil()) + " (it is renewed while the process runs)"));
    }

    /** The refusal, remembering which lock object named the holder. */
    private static final class HeldByAnother extends LifeboatException {
        private static final long serialVersionUID = 1L;
        private final transient String key;
        private final transient LockHolder holder;

        HeldByAnother(String key, LockHolder holder, String message, String hint) {
            super(ErrorCode.LOCKED, message, hint);
            this.key = key;
            this.holder = holder;
        }
    }

    static String describe(LockHolder holder) {
        return "pid " + holder.pid() + " on host " + holder.host() + " since "
                + (holder.startedAt() == null ? "an unknown time" : SHOWN.format(holder.startedAt()));
    }

    static byte[] json(LockHolder holder) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(holder);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot serialise a lock: " + e.getMessage(), null, e);
        }
    }
}
