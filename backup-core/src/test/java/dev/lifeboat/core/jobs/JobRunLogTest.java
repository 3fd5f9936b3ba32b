package dev.lifeboat.core.jobs;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.info.InfoService;
import dev.lifeboat.core.info.RepositoryInfo;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRunLogTest {

    private final Repository repository = Repository.initialize(new InMemoryBlobStore("jobs"), new RepositoryDescriptor(1, "7441", 15,
            "15.18", 16 << 20, new RepositoryDescriptor.Compression("zstd", 1), "none", Instant.now(), "test"));
    private final JobRunLog log = new JobRunLog(repository, Clock.systemUTC());

    @Test
    void aFinishedRunIsRecordedAndItsMarkerRemoved() {
        JobRunLog.Started started = log.start("nightly", "backup", "schedule", Instant.parse("2026-11-25T02:00:00Z"), "host-1");
        assertThat(log.history("nightly").running()).hasSize(1);

        log.finish(started, JobRun.Outcome.SUCCEEDED, "20261125-020001F\nmore", null);

        JobRunLog.History history = log.history("nightly");
        assertThat(history.running()).isEmpty();
        assertThat(history.last()).hasValueSatisfying(run -> {
            assertThat(run.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
            assertThat(run.summary()).isEqualTo("20261125-020001F");
            assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-11-25T02:00:00Z"));
            assertThat(run.endTime()).isNotNull();
        });
    }

    @Test
    void aRunWhoseProcessDiedIsRecordedAsAbandonedByTheNextRun() {
        log.start("nightly", "backup", "schedule", null, "host-1"); // never finished: the host died
        JobRunLog.Started next = log.start("nightly", "backup", "schedule", null, "host-2");
        log.finish(next, JobRun.Outcome.FAILED, null, "PostgreSQL unreachable\n  hint: start it");

        JobRunLog.History history = log.history("nightly");
        assertThat(history.running()).isEmpty();
        assertThat(history.finished()).extracting(JobRun::outcome).containsExactly(JobRun.Outcome.ABANDONED, JobRun.Outcome.FAILED);
        assertThat(history.finished().get(1).error()).isEqualTo("PostgreSQL unreachable");
        assertThat(history.lastSuccess()).isEmpty();

        RepositoryInfo info = new InfoService(repository).run();
        assertThat(info.jobs()).singleElement().satisfies(j -> {
            assertThat(j.name()).isEqualTo("nightly");
            assertThat(j.lastOutcome()).isEqualTo("failed");
            assertThat(j.runsRecorded()).isEqualTo(2);
        });
    }

    @Test
    void jobNamesMustBeUsableAsKeys() {
        assertThatThrownBy(() -> log.start("../x", "backup", "now", null, "h")).isInstanceOf(LifeboatException.class)
                .hasMessageContaining("'../x'");
    }
}
