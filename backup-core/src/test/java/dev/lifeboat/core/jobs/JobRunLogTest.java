package dev.lifeboat.core.jobs;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.info.InfoService;
import dev.lifeboat.core.info.RepositoryInfo;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRunLogTest {

    private final Repository repository = Repository.initialize(new InMemoryBlobStore("jobs"),
            TestRepositoryDescriptor.standard());
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
        new JobRunLog(repository, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1)), new Processes("host-1", 111, Set.of()))
                .start("nightly", "backup", "schedule", null, "host-1"); // never finished: the host died
        JobRunLog host2 = on("host-2", 222);
        JobRunLog.Started next = host2.start("nightly", "backup", "schedule", null, "host-2");
        host2.finish(next, JobRun.Outcome.FAILED, null, "PostgreSQL unreachable\n  hint: start it");

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

    // One run per due time: whoever fires it again (a second daemon, a replaced trigger, a
    // recovery of a run that had in fact finished) is refused, and says which run was first.

    @Test
    void aDueTimeRunsOnceEvenWhenItIsFiredAgainOrRecoveredAfterItFinished() {
        JobRunLog.Started first = (JobRunLog.Started) log.admit("nightly", "backup", "schedule", DUE, null, "daemon-a");
        log.finish(first, JobRun.Outcome.SUCCEEDED, "20261125-020001F", null);

        for (String trigger : new String[]{"schedule", "misfire", "recovery"}) {
            assertThat(log.admit("nightly", "backup", trigger, DUE, null, "daemon-b")).isInstanceOfSatisfying(JobRunLog.Refused.class, r -> {
                assertThat(r.duplicate()).isTrue();
                assertThat(r.reason()).contains("already ran", "run " + first.run().runId(), "succeeded");
            });
        }
        assertThat(log.history("nightly").finished()).singleElement().extracting(JobRun::scheduledFor).isEqualTo(DUE);
        assertThat(log.history("nightly").running()).isEmpty();
        assertThat(log.admit("nightly", "backup", "schedule", DUE.plusSeconds(86400), null, "daemon-b"))
                .isInstanceOf(JobRunLog.Started.class);
    }

    @Test
    void aRecoveryReRunsADueTimeWhoseHostDiedAndTheDeadRunIsRecordedAbandoned() {
        JobRunLog.Started lost = (JobRunLog.Started) on("host-1", 111).admit("nightly", "backup", "schedule", DUE, null, "daemon-a");
        JobRunLog survivor = on("host-2", 222);

        assertThat(survivor.admit("nightly", "backup", "schedule", DUE, null, "daemon-b"))
                .as("only a recovery runs a due time again").isInstanceOf(JobRunLog.Refused.class);
        JobRunLog.Started recovery = (JobRunLog.Started) survivor.admit("nightly", "backup", "recovery", DUE, null, "daemon-b");
        survivor.finish(recovery, JobRun.Outcome.SUCCEEDED, "20261125-020101F", null);

        assertThat(log.history("nightly").finished()).extracting(JobRun::runId, JobRun::outcome).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(lost.run().runId(), JobRun.Outcome.ABANDONED),
                org.assertj.core.groups.Tuple.tuple(recovery.run().runId(), JobRun.Outcome.SUCCEEDED));
        assertThat(on("host-3", 333).admit("nightly", "backup", "recovery", DUE, null, "daemon-c"))
                .isInstanceOfSatisfying(JobRunLog.Refused.class, r -> assertThat(r.reason()).contains("run " + recovery.run().runId()));
    }

    @Test
    void aRecoveryIsRefusedWhileTheFirstRunsProcessOnThisHostIsAliveAndAllowedOnceItIsGone() {
        Set<Long> alive = new HashSet<>(Set.of(111L));
        JobRunLog stalled = new JobRunLog(repository, Clock.systemUTC(), new Processes("vm", 111, alive));
        JobRunLog other = new JobRunLog(repository, Clock.systemUTC(), new Processes("vm", 222, alive));
        JobRunLog.Started first = (JobRunLog.Started) stalled.admit("nightly", "backup", "schedule", DUE, null, "daemon-a");

        assertThat(other.admit("nightly", "backup", "recovery", DUE, null, "daemon-b")).isInstanceOfSatisfying(JobRunLog.Refused.class, r -> {
            assertThat(r.duplicate()).isTrue();
            assertThat(r.reason()).contains("being run now", "pid 111");
        });
        assertThat(other.admit("nightly", "backup", "schedule", DUE.plusSeconds(3), null, "daemon-b"))
                .as("one job never runs twice at once").isInstanceOfSatisfying(JobRunLog.Refused.class, r -> {
                    assertThat(r.duplicate()).isFalse();
                    assertThat(r.reason()).contains("still running", "run " + first.run().runId());
                });
        assertThat(log.history("nightly").running()).extracting(JobRun::runId).containsExactly(first.run().runId());

        alive.remove(111L); // killed
        assertThat(other.admit("nightly", "backup", "recovery", DUE, null, "daemon-b")).isInstanceOf(JobRunLog.Started.class);
    }

    @Test
    void theSameProcessFiringADueTimeAgainWhileItRunsIsRefused() {
        JobRunLog.Started first = (JobRunLog.Started) log.admit("nightly", "backup", "schedule", DUE, null, "daemon-a");
        assertThat(log.admit("nightly", "backup", "recovery", DUE, null, "daemon-a"))
                .isInstanceOfSatisfying(JobRunLog.Refused.class, r -> assertThat(r.duplicate()).isTrue());
        log.finish(first, JobRun.Outcome.FAILED, null, "disk full");
        assertThat(log.admit("nightly", "backup", "recovery", DUE, null, "daemon-a"))
                .as("a failed run ran too").isInstanceOfSatisfying(JobRunLog.Refused.class, r -> assertThat(r.reason()).contains("failed"));
    }

    @Test
    void ofManyDaemonsFiringOneDueTimeAtOnceExactlyOneRuns() throws Exception {
        int daemons = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(daemons);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<JobRunLog.Admission>> answers = new ArrayList<>();
        for (int i = 0; i < daemons; i++) {
            JobRunLog daemon = on("host-" + i, 100 + i);
            answers.add(pool.submit(() -> {
                go.await();
                return daemon.admit("nightly", "backup", "schedule", DUE, null, "daemon");
            }));
        }
        go.countDown();
        List<JobRunLog.Admission> admitted = new ArrayList<>();
        for (java.util.concurrent.Future<JobRunLog.Admission> answer : answers) {
            admitted.add(answer.get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(admitted).filteredOn(a -> a instanceof JobRunLog.Started).hasSize(1);
        assertThat(admitted).filteredOn(a -> a instanceof JobRunLog.Refused r && r.duplicate()).hasSize(daemons - 1);
    }

    @Test
    void onlyTheNewestRecordsOfAJobAreKeptAndTheLatestStateReadsThem() {
        Instant first = Instant.parse("2026-11-01T00:00:00Z");
        int runs = JobRunLog.KEPT_PER_JOB + 3;
        for (int i = 0; i < runs; i++) {
            Instant start = first.plus(Duration.ofHours(i));
            log.record(new JobRun("hourly", "backup", "run" + i, "schedule", start, start, start.plusSeconds(60),
                    i == runs - 2 ? JobRun.Outcome.SUCCEEDED : JobRun.Outcome.FAILED, null, null, "host-1", 1, "host-1", null));
        }

        JobRunLog.History history = log.history("hourly");
        assertThat(history.finished()).hasSize(JobRunLog.KEPT_PER_JOB);
        assertThat(history.finished().get(0).runId()).isEqualTo("run3");
        assertThat(log.latestOfEach()).containsOnlyKeys("hourly").hasEntrySatisfying("hourly", latest -> {
            assertThat(latest.last().runId()).isEqualTo("run" + (runs - 1));
            assertThat(latest.lastSuccess().runId()).isEqualTo("run" + (runs - 2));
            assertThat(latest.recorded()).isEqualTo(JobRunLog.KEPT_PER_JOB);
        });
    }

    private static final Instant DUE = Instant.parse("2026-11-25T02:00:00Z");

    private JobRunLog on(String host, long pid) {
        return new JobRunLog(repository, Clock.systemUTC(), new Processes(host, pid, Set.of()));
    }

    /** Processes of a made-up host: those in {@code alive} are running. */
    private record Processes(String host, long pid, Set<Long> alive) implements LocalProcesses {
        @Override
        public boolean alive(long otherPid, Instant since) {
            return alive.contains(otherPid);
        }
    }
}
