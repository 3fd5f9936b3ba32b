package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scheduled jobs call the same services as the commands, so they take the same repository
 * lock. A scheduled expire that fires while a backup holds it (here: a backup of this same
 * daemon) waits for it (lock-wait, 15 minutes by default) and then runs; one that waited its
 * whole lock-wait is recorded as failed with the holder named, and the next run works.
 */
class ScheduledJobsUnderTheLockTest {

    private static final String REPO = "mem://scheduled-lock";
    private static final Instant DUE = Instant.parse("2026-12-03T01:30:00Z");

    private InMemoryBlobStore store;
    private JobRunner runner;

    @BeforeEach
    void repository() {
        InMemoryBlobStore.forgetAllNamed();
        store = InMemoryBlobStore.named("scheduled-lock");
        Repository.initialize(store, TestRepositoryDescriptor.standard());
        JobDefinition expire = new JobDefinition("nightly-expire", JobKind.EXPIRE, new JobTiming("0 30 1 * * ?", ZoneOffset.UTC, null),
                Map.of("repo", REPO, "keep-full", "2"));
        JobDefinition impatient = new JobDefinition("impatient-expire", JobKind.EXPIRE,
                new JobTiming("0 30 1 * * ?", ZoneOffset.UTC, null), Map.of("repo", REPO, "keep-full", "2", "lock-wait", "1s"));
        TaskCatalog catalog = new TaskCatalog().register(JobKind.EXPIRE, new ExpireTask.Factory(Clock.systemUTC()));
        runner = new JobRunner(new ScheduleDefinition(List.of(expire, impatient), Optional.empty(), 2, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                catalog, Clock.systemUTC(), new JobEvents() {
        });
    }

    @AfterEach
    void forget() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void aScheduledExpireWaitsForTheBackupHoldingTheLockThenRuns() throws Exception {
        RepositoryLock backup = RepositoryLock.acquire(store, "backup");
        Thread finishing = new Thread(() -> {
            sleep(1500);
            backup.close();
        });
        finishing.start();
        long started = System.nanoTime();

        Optional<JobRun> run = runner.run("nightly-expire", "schedule", DUE, "daemon-a");

        finishing.join();
        assertThat(run).hasValueSatisfying(r -> assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1400));
        assertThat(locks()).isEmpty();
    }

    @Test
    void aScheduledExpireThatWaitedItsLockWaitFailsNamingTheHolderAndTheNextRunWorks() {
        Optional<JobRun> refused;
        try (RepositoryLock backup = RepositoryLock.acquire(store, "backup")) {
            refused = runner.run("impatient-expire", "schedule", DUE, "daemon-a");
        }

        assertThat(refused).hasValueSatisfying(run -> {
            assertThat(run.outcome()).isEqualTo(JobRun.Outcome.FAILED);
            assertThat(run.error()).startsWith("a backup is running on repository " + REPO + ": pid " + ProcessHandle.current().pid())
                    .endsWith("so expire cannot run now");
            assertThat(run.duration()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        });
        assertThat(locks()).as("the backup's lock is gone once it ended").isEmpty();

        Optional<JobRun> next = runner.run("impatient-expire", "schedule", DUE.plus(Duration.ofDays(1)), "daemon-a");
        assertThat(next).hasValueSatisfying(run -> assertThat(run.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED));
        assertThat(locks()).isEmpty();
    }

    @Test
    void aNegativeLockWaitIsRefusedBeforeTheDaemonStarts() {
        JobDefinition bad = new JobDefinition("bad", JobKind.EXPIRE, new JobTiming("0 30 1 * * ?", ZoneOffset.UTC, null),
                Map.of("repo", REPO, "keep-full", "2", "lock-wait", "-PT5S"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ExpireTask.Factory(Clock.systemUTC()).check(bad))
                .hasMessageContaining("lock-wait");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> locks() {
        try (Stream<BlobInfo> blobs = store.list("locks/")) {
            return blobs.map(BlobInfo::key).toList();
        }
    }
}
