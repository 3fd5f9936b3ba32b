package dev.lifeboat.core.lock;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.fs.FileSystemBlobStore;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository lock on a directory and in memory (the S3 store runs the same code; the
 * end-to-end RepositoryLockIT takes it on S3): one holder at a time, a refused command writes
 * nothing, and a holder that died is taken over (at once on its host, elsewhere once its
 * lease has run out) by exactly one of the commands that try.
 */
class RepositoryLockTest {

    private static final Instant T0 = Instant.parse("2026-12-03T08:12:03Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

    @TempDir
    Path temp;

    private final MovableClock clock = new MovableClock(T0);

    private BlobStore store(String kind) {
        try {
            return kind.equals("directory") ? new FileSystemBlobStore(java.nio.file.Files.createDirectories(temp.resolve("repository")))
                    : new InMemoryBlobStore("lock-test");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private LockTaker taker(BlobStore store, String host, long pid, Set<Long> alive) {
        return new LockTaker(store, RepositoryLock.NAME, clock, new Processes(host, pid, alive), LEASE, Duration.ofHours(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void aSecondBackupIsRefusedNamingTheHolderAndWritesNothing(String kind) {
        BlobStore store = store(kind);
        try (RepositoryLock first = taker(store, "db1", 1234, Set.of()).acquire("backup")) {
            Map<String, String> before = contents(store);

            assertThatThrownBy(() -> taker(store, "db1", 5678, Set.of(1234L)).acquire("backup"))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                        assertThat(e.code().exitCode()).isEqualTo(14);
                        assertThat(e.getMessage()).isEqualTo("another backup is running on repository " + store.location()
                                + ": pid 1234 on host db1 since 2026-12-03 08:12:03 UTC (lock locks/repository/0000000001.lock)");
                        assertThat(e.hint()).contains("run backup again when it has finished").contains("taken over at once");
                    });
            assertThat(contents(store)).isEqualTo(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void expireAndReplicateAreRefusedWhileABackupRuns(String kind) {
        BlobStore store = store(kind);
        try (RepositoryLock backup = taker(store, "db1", 1234, Set.of()).acquire("backup")) {
            for (String command : List.of("expire", "replicate")) {
                assertThatThrownBy(() -> taker(store, "db2", 42, Set.of()).acquire(command))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                            assertThat(e.getMessage()).startsWith("a backup is running on repository " + store.location()
                                    + ": pid 1234 on host db1 since 2026-12-03 08:12:03 UTC").endsWith(", so " + command + " cannot run now");
                            assertThat(e.hint()).contains("once its lease ends at 2026-12-03 08:14:03 UTC");
                        });
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void aFinishedCommandLeavesNoTraceAndTheNextOneTakesTheLock(String kind) {
        BlobStore store = store(kind);
        Map<String, String> before = contents(store);
        taker(store, "db1", 1234, Set.of()).acquire("backup").close();

        assertThat(contents(store)).isEqualTo(before);
        try (RepositoryLock next = taker(store, "db1", 1234, Set.of()).acquire("expire")) {
            assertThat(next.tookOver()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void aHolderWhoseProcessIsGoneFromThisHostIsTakenOverAtOnce(String kind) {
        BlobStore store = store(kind);
        taker(store, "db1", 1234, Set.of()).acquire("backup"); // never closed: SIGKILLed

        try (RepositoryLock next = taker(store, "db1", 5678, Set.of()).acquire("backup")) {
            assertThat(next.tookOver()).isEqualTo("backup, pid 1234 on host db1 since 2026-12-03 08:12:03 UTC (process 1234 is gone from this host)");
            assertThat(keys(store)).containsExactly("locks/repository/0000000002.lock");
            assertThat(next.holder().pid()).isEqualTo(5678);
        }
        assertThat(keys(store)).isEmpty();
    }

    @Test
    void aReusedPidDoesNotKeepTheLock() throws Exception {
        BlobStore store = store("memory");
        Process reuser = new ProcessBuilder("sleep", "60").start(); // alive, but started after the lock was taken
        try {
            LockHolder old = new LockHolder(1, 1, "0ld", "backup", LocalProcesses.current().host(), reuser.pid(),
                    Instant.now().minus(Duration.ofHours(1)), Instant.now(), Instant.now().plus(Duration.ofHours(1)));
            store.put("locks/repository/0000000001.lock", BlobContent.of(LockTaker.json(old)), PutMode.CREATE_ONLY);

            try (RepositoryLock lock = RepositoryLock.acquire(store, "backup")) {
                assertThat(lock.tookOver()).contains("process " + reuser.pid() + " is gone from this host");
            }
        } finally {
            reuser.destroyForcibly();
        }
    }

    @Test
    void aLiveProcessOfThisHostKeepsTheLockEvenWithAnExpiredLease() throws Exception {
        BlobStore store = store("memory");
        Process holder = new ProcessBuilder("sleep", "60").start();
        try {
            Thread.sleep(1500); // its start lies before the lock was taken
            LockHolder stalled = new LockHolder(1, 1, "5t4", "backup", LocalProcesses.current().host(), holder.pid(),
                    Instant.now(), Instant.now(), Instant.now().minus(Duration.ofMinutes(5)));
            store.put("locks/repository/0000000001.lock", BlobContent.of(LockTaker.json(stalled)), PutMode.CREATE_ONLY);

            assertThatThrownBy(() -> RepositoryLock.acquire(store, "backup")).isInstanceOfSatisfying(LifeboatException.class,
                    e -> assertThat(e.getMessage()).contains("pid " + holder.pid()));
        } finally {
            holder.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void aHolderOnAnotherHostKeepsTheLockUntilItsLeaseRunsOut(String kind) {
        BlobStore store = store(kind);
        taker(store, "db2", 1234, Set.of()).acquire("replicate"); // db2 went away with it

        clock.advance(LEASE);
        assertThatThrownBy(() -> taker(store, "db1", 42, Set.of(1234L)).acquire("expire"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .startsWith("a replicate is running on repository " + store.location() + ": pid 1234 on host db2"));

        clock.advance(Duration.ofSeconds(1));
        try (RepositoryLock lock = taker(store, "db1", 42, Set.of(1234L)).acquire("expire")) {
            assertThat(lock.tookOver()).endsWith("(its lease expired at 2026-12-03 08:14:03 UTC)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void ofManyCommandsTakingOverAStaleLockAtOnceExactlyOneWins(String kind) throws Exception {
        BlobStore store = store(kind);
        taker(store, "db1", 1, Set.of()).acquire("backup"); // died
        int takers = 8;
        Set<Long> racers = new java.util.HashSet<>();
        for (long pid = 100; pid < 100 + takers; pid++) {
            racers.add(pid);
        }
        ExecutorService pool = Executors.newFixedThreadPool(takers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RepositoryLock>> answers = new ArrayList<>();
        for (long pid = 100; pid < 100 + takers; pid++) {
            LockTaker taker = taker(store, "db1", pid, racers);
            answers.add(pool.submit(() -> {
                go.await();
                return taker.acquire("backup");
            }));
        }
        go.countDown();
        List<RepositoryLock> winners = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Future<RepositoryLock> answer : answers) {
            try {
                winners.add(answer.get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(LifeboatException.class);
                assertThat(((LifeboatException) e.getCause()).code()).isEqualTo(ErrorCode.LOCKED);
                refusals.add(e.getCause().getMessage());
            }
        }
        pool.shutdown();

        assertThat(winners).hasSize(1);
        assertThat(refusals).hasSize(takers - 1).allSatisfy(m -> assertThat(m).contains("pid " + winners.get(0).holder().pid()));
        assertThat(keys(store)).containsExactly(winners.get(0).key());
        winners.get(0).close();
    }

    @Test
    void aTakerThatListedBeforeTheLockMovedOnWithdrawsAndNamesTheHolder() {
        InMemoryBlobStore real = new InMemoryBlobStore("lock-test");
        // The live holder is at generation 7; the taker's first listing still shows generation 3,
        // since removed, so it creates generation 4 below the live lock.
        for (long pid = 1; pid < 7; pid++) {
            taker(real, "db2", pid, Set.of()).acquire("backup"); // each one dies, and the next takes over
        }
        RepositoryLock live = taker(real, "db2", 7, Set.of()).acquire("backup");
        assertThat(live.key()).isEqualTo("locks/repository/0000000007.lock");
        BlobStore staleView = new StaleFirstListing(real, "locks/repository/0000000003.lock");

        assertThatThrownBy(() -> taker(staleView, "db1", 42, Set.of()).acquire("expire"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage())
                        .contains("a backup is running").contains("(lock locks/repository/0000000007.lock)"));
        assertThat(keys(real)).containsExactly("locks/repository/0000000007.lock");
        live.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"directory", "memory"})
    void theLeaseIsRenewedWhileHeldAndAHolderThatLostItIsTold(String kind) throws Exception {
        BlobStore store = store(kind);
        LockTaker renewing = new LockTaker(store, RepositoryLock.NAME, clock, new Processes("db1", 1234, Set.of()), LEASE,
                Duration.ofMillis(50));
        try (RepositoryLock lock = renewing.acquire("backup")) {
            clock.advance(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!read(store, lock.key()).leaseUntil().equals(T0.plusSeconds(30).plus(LEASE)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(read(store, lock.key()).leaseUntil()).isEqualTo(T0.plusSeconds(30).plus(LEASE));
            assertThat(read(store, lock.key()).startedAt()).isEqualTo(T0);

            // The store was unreachable for longer than the lease (simulated: db2's clock is past it).
            Clock later = Clock.fixed(T0.plus(Duration.ofHours(1)), ZoneOffset.UTC);
            try (RepositoryLock successor = new LockTaker(store, RepositoryLock.NAME, later, new Processes("db2", 99, Set.of()), LEASE,
                    Duration.ofHours(1)).acquire("expire")) {
                assertThatThrownBy(lock::requireHeld).isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                    assertThat(e.getMessage()).contains("was taken over by expire (pid 99 on host db2").contains("while this backup ran");
                });
                lock.close();
                assertThat(keys(store)).containsExactly(successor.key()); // the loser's close leaves the winner's lock alone
            }
        }
    }

    private static LockHolder read(BlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return Json.mapper().readValue(in, LockHolder.class);
        }
    }

    private static List<String> keys(BlobStore store) {
        try (Stream<BlobInfo> blobs = store.list("")) {
            return blobs.map(BlobInfo::key).toList();
        }
    }

    private static Map<String, String> contents(BlobStore store) {
        Map<String, String> all = new TreeMap<>();
        for (String key : keys(store)) {
            try (InputStream in = store.get(key)) {
                all.put(key, ObjectCodec.sha256(in.readAllBytes()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }

    /** Processes of a made-up host: those in {@code alive} are running. */
    private record Processes(String host, long pid, Set<Long> alive) implements LocalProcesses {
        @Override
        public boolean alive(long otherPid, Instant since) {
            return alive.contains(otherPid);
        }
    }

    /** A store whose first listing of the locks is an old one: it shows a generation removed since. */
    private static final class StaleFirstListing extends ForwardingBlobStore {
        private final String removedKey;
        private boolean listed;

        StaleFirstListing(BlobStore delegate, String removedKey) {
            super(delegate);
            this.removedKey = removedKey;
        }

        @Override
        public Stream<BlobInfo> list(String prefix) {
            if (!listed && prefix.startsWith("locks/")) {
                listed = true;
                return Stream.of(new BlobInfo(removedKey, 100, T0));
            }
            return super.list(prefix);
        }
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
