package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A due time the scheduler fires twice runs once; the second firing is logged as a duplicate. */
class JobRunnerTest {

    private static final String REPO = "mem://job-runner";
    private static final Instant DUE = Instant.parse("2026-11-25T16:07:21Z");

    private final List<JobRunLog.Refused> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger backups = new AtomicInteger();
    private JobRunner runner;

    @BeforeEach
    void repository() {
        InMemoryBlobStore.forgetAllNamed();
        Repository.initialize(InMemoryBlobStore.named("job-runner"), TestRepositoryDescriptor.standard());
        JobDefinition job = new JobDefinition("backup-often", JobKind.BACKUP, new JobTiming("0/3 * * * * ?", ZoneOffset.UTC, null),
                Map.of("repo", REPO));
        TaskCatalog catalog = new TaskCatalog().register(JobKind.BACKUP, new TaskCatalog.Factory() {
            @Override
            public void check(JobDefinition definition) {
            }

            @Override
            public ScheduledTask create(JobDefinition definition) {
                return repository -> "backup " + backups.incrementAndGet();
            }
        });
        runner = new JobRunner(new ScheduleDefinition(List.of(job), Optional.empty(), 2, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                catalog, Clock.systemUTC(), new JobEvents() {
            @Override
            public void refused(JobDefinition definition, JobRunLog.Refused refusal) {
                refused.add(refusal);
            }
        });
    }

    @AfterEach
    void forget() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void aDueTimeFiredAgainAndRecoveredAfterItFinishedRunsOnce() {
        Optional<JobRun> first = runner.run("backup-often", "schedule", DUE, "daemon-a");
        Optional<JobRun> again = runner.run("backup-often", "schedule", DUE, "daemon-a");
        Optional<JobRun> recovered = runner.run("backup-often", "recovery", DUE, "daemon-b");

        assertThat(first).hasValueSatisfying(run -> assertThat(run.summary()).isEqualTo("backup 1"));
        assertThat(again).isEmpty();
        assertThat(recovered).isEmpty();
        assertThat(backups.get()).as("backups taken").isEqualTo(1);
        assertThat(refused).hasSize(2).allSatisfy(r -> {
            assertThat(r.duplicate()).isTrue();
            assertThat(r.scheduledFor()).isEqualTo(DUE);
            assertThat(r.reason()).contains("already ran", first.get().runId());
        });

        assertThat(runner.run("backup-often", "schedule", DUE.plusSeconds(3), "daemon-a")).isPresent();
        assertThat(backups.get()).isEqualTo(2);
    }
}
