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

/** The daemon in memory, in-process, with seconds-level schedules and a made-up task. */
class ScheduleDaemonTest {

    private static final String REPO = "mem://schedule-daemon";

    private final List<JobRun> finished = new CopyOnWriteArrayList<>();
    private final JobEvents events = new JobEvents() {
        @Override
        public void finished(JobRun run) {
            finished.add(run);
        }
    };

    @BeforeEach
    void repository() {
        InMemoryBlobStore.forgetAllNamed();
        Repository.initialize(InMemoryBlobStore.named("schedule-daemon"), TestRepositoryDescriptor.standard());
    }

    @AfterEach
    void forget() {
        InMemoryBlobStore.forgetAllNamed();
    }

    private static ScheduleDefinition schedule(JobTiming timing) {
        JobDefinition job = new JobDefinition("tick", JobKind.VERIFY, timing, Map.of("repo", REPO));
        return new ScheduleDefinition(List.of(job), Optional.empty(), 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** A task that takes 1.5 s, longer than its 1 s interval: runs must queue, never overlap. */
    @Test
    void aJobRunsOnItsScheduleNeverTwiceAtOnceAndEveryRunIsRecorded() throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        TaskCatalog catalog = new TaskCatalog().register(JobKind.VERIFY, factory(repository -> {
            if (running.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            sleep(1500);
            running.decrementAndGet();
            return "checked";
        }));

        try (ScheduleDaemon daemon = ScheduleDaemon.start(schedule(new JobTiming("* * * * * ?", ZoneOffset.UTC, null)), catalog,
                Clock.systemUTC(), events)) {
            sleep(4200);
        }

        assertThat(overlaps.get()).isZero();
        assertThat(finished).hasSizeBetween(2, 4).allSatisfy(run -> {
            assertThat(run.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
            assertThat(run.summary()).isEqualTo("checked");
        });
        JobRunLog.History history = log().history("tick");
        assertThat(history.finished()).hasSameSizeAs(finished);
        assertThat(history.running()).isEmpty();
    }

    @Test
    void aFailingTaskIsRecordedWithItsErrorLineAndTheScheduleGoesOn() throws InterruptedException {
        TaskCatalog catalog = new TaskCatalog().register(JobKind.VERIFY, factory(repository -> {
            throw new dev.lifeboat.core.error.LifeboatException(dev.lifeboat.core.error.ErrorCode.POSTGRES,
                    "PostgreSQL at localhost:5432 refused the connection", "start it");
        }));
        try (ScheduleDaemon daemon = ScheduleDaemon.start(schedule(new JobTiming(null, null, Duration.ofMillis(1000))), catalog,
                Clock.systemUTC(), events)) {
            sleep(2500);
        }
        assertThat(log().history("tick").finished()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(run -> {
            assertThat(run.outcome()).isEqualTo(JobRun.Outcome.FAILED);
            assertThat(run.error()).isEqualTo("PostgreSQL at localhost:5432 refused the connection");
        });
    }

    /** The host was down over three daily runs: one catch-up run now, not three. */
    @Test
    void missedRunsWhileTheDaemonWasDownRunOnceWhenItComesBack() throws InterruptedException {
        JobRunLog log = log();
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.DAYS).plusSeconds(3 * 3600);
        log.finish(log.start("tick", "verify", "schedule", threeDaysAgo, "old-host"), JobRun.Outcome.SUCCEEDED, "ok", null);
        TaskCatalog catalog = new TaskCatalog().register(JobKind.VERIFY, factory(repository -> "caught up"));

        try (ScheduleDaemon daemon = ScheduleDaemon.start(schedule(new JobTiming("0 0 3 * * ?", ZoneOffset.UTC, null)), catalog,
                Clock.systemUTC(), events)) {
            sleep(2500);
        }

        assertThat(finished).singleElement().satisfies(run -> {
            assertThat(run.trigger()).isEqualTo("misfire");
            assertThat(run.missed()).isEqualTo(threeDaysAgo.plus(Duration.ofDays(1)));
        });
    }

    @Test
    void withoutAMissedTimeAJobWaitsForItsNextTime() {
        JobDefinition daily = schedule(new JobTiming("0 0 3 * * ?", ZoneOffset.UTC, null)).jobs().get(0);
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(ScheduleDaemon.firstDue(daily, Optional.of(Instant.parse("2026-11-25T03:00:00Z")), now)).isEqualTo(now);
        assertThat(ScheduleDaemon.firstDue(daily, Optional.of(Instant.parse("2026-11-23T03:00:00Z")), now))
                .isEqualTo(Instant.parse("2026-11-24T03:00:00Z"));
        JobDefinition sixHourly = schedule(new JobTiming(null, null, Duration.ofHours(6))).jobs().get(0);
        assertThat(ScheduleDaemon.firstDue(sixHourly, Optional.of(Instant.parse("2026-11-25T10:00:00Z")), now))
                .isEqualTo(Instant.parse("2026-11-25T16:00:00Z"));
        assertThat(ScheduleDaemon.firstDue(sixHourly, Optional.empty(), now)).isEqualTo(now);
    }

    private static JobRunLog log() {
        return new JobRunLog(Repository.open(InMemoryBlobStore.named("schedule-daemon")), Clock.systemUTC());
    }

    private static TaskCatalog.Factory factory(ScheduledTask task) {
        return new TaskCatalog.Factory() {
            @Override
            public void check(JobDefinition job) {
            }

            @Override
            public ScheduledTask create(JobDefinition job) {
                return task;
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Daemons starting together used to store the same trigger twice: the second store reset a
     * trigger the first daemon had already fired. Synchronising again now keeps what is stored.
     */
    @Test
    void synchronisingAnUnchangedScheduleKeepsItsTriggerAndAChangedOneGetsANewTrigger() throws Exception {
        ScheduleDefinition every3s = schedule(new JobTiming("0/3 * * * * ?", ZoneOffset.UTC, null));
        TaskCatalog catalog = new TaskCatalog().register(JobKind.VERIFY, factory(repository -> "checked"));
        org.quartz.Scheduler scheduler = new org.quartz.impl.StdSchedulerFactory(ScheduleDaemon.properties(every3s)).getScheduler();
        try {
            JobRunner runner = new JobRunner(every3s, catalog, Clock.systemUTC(), events);
            Instant now = Instant.parse("2026-11-25T16:07:20Z");
            ScheduleDaemon.synchronise(scheduler, runner, now);
            org.quartz.Trigger stored = scheduler.getTrigger(ScheduleDaemon.triggerKey(every3s.jobs().get(0)));
            assertThat(stored.getNextFireTime().toInstant()).isEqualTo(Instant.parse("2026-11-25T16:07:21Z"));

            ScheduleDaemon.synchronise(scheduler, runner, now.plusSeconds(2)); // the second daemon, a moment later
            assertThat(triggersOf(scheduler)).singleElement().satisfies(t -> {
                assertThat(t.getKey()).isEqualTo(stored.getKey());
                assertThat(t.getStartTime()).isEqualTo(stored.getStartTime());
                assertThat(t.getNextFireTime()).isEqualTo(stored.getNextFireTime());
            });

            ScheduleDefinition every5s = schedule(new JobTiming("0/5 * * * * ?", ZoneOffset.UTC, null));
            ScheduleDaemon.synchronise(scheduler, new JobRunner(every5s, catalog, Clock.systemUTC(), events), now);
            assertThat(triggersOf(scheduler)).singleElement().satisfies(t -> {
                assertThat(t.getKey()).isEqualTo(ScheduleDaemon.triggerKey(every5s.jobs().get(0))).isNotEqualTo(stored.getKey());
                assertThat(t.getNextFireTime().toInstant()).isEqualTo(Instant.parse("2026-11-25T16:07:20Z"));
            });
        } finally {
            scheduler.shutdown(false);
        }
    }

    @Test
    void aCronFiringLaterThanItsNextTimeMakesUpForThatTimeWhicheverDaemonNotedTheMisfire() {
        org.quartz.Trigger cron = org.quartz.TriggerBuilder.newTrigger().withIdentity("tick@1", "lifeboat")
                .withSchedule(org.quartz.CronScheduleBuilder.cronSchedule("0/3 * * * * ?").inTimeZone(java.util.TimeZone.getTimeZone("UTC")))
                .startAt(java.util.Date.from(Instant.parse("2026-11-25T16:07:19.500Z"))).build();
        java.util.Date previous = java.util.Date.from(Instant.parse("2026-11-25T16:07:21Z"));

        assertThat(LifeboatQuartzJob.missedPerSchedule(cron, previous, java.util.Date.from(Instant.parse("2026-11-25T16:07:24Z"))))
                .as("on time").isNull();
        assertThat(LifeboatQuartzJob.missedPerSchedule(cron, previous, java.util.Date.from(Instant.parse("2026-11-25T16:07:31.408Z"))))
                .isEqualTo(Instant.parse("2026-11-25T16:07:24Z"));
        assertThat(LifeboatQuartzJob.missedPerSchedule(cron, null, java.util.Date.from(Instant.parse("2026-11-25T16:07:30.012Z"))))
                .as("never fired: its first time").isEqualTo(Instant.parse("2026-11-25T16:07:21Z"));
    }

    @Test
    void aMisfireNoteIsDroppedWhenItsTriggerFiredElsewhereSince() {
        MisfireNotes notes = new MisfireNotes();
        org.quartz.spi.OperableTrigger trigger = (org.quartz.spi.OperableTrigger) org.quartz.TriggerBuilder.newTrigger()
                .withIdentity("tick@1", "lifeboat").withSchedule(org.quartz.CronScheduleBuilder.cronSchedule("0/3 * * * * ?"))
                .startAt(java.util.Date.from(Instant.parse("2026-11-25T16:07:00Z"))).build();
        trigger.setPreviousFireTime(java.util.Date.from(Instant.parse("2026-11-25T16:07:21Z")));
        trigger.setNextFireTime(java.util.Date.from(Instant.parse("2026-11-25T16:07:24Z")));
        notes.triggerMisfired(trigger);

        // another daemon fired the catch-up run (previous fire moved on): the note is not this run's
        assertThat(notes.take(trigger.getKey(), java.util.Date.from(Instant.parse("2026-11-25T16:07:31.408Z")))).isNull();
        notes.triggerMisfired(trigger);
        assertThat(notes.take(trigger.getKey(), java.util.Date.from(Instant.parse("2026-11-25T16:07:21Z"))))
                .isEqualTo(Instant.parse("2026-11-25T16:07:24Z"));
    }

    private static List<org.quartz.Trigger> triggersOf(org.quartz.Scheduler scheduler) throws org.quartz.SchedulerException {
        List<org.quartz.Trigger> triggers = new java.util.ArrayList<>();
        for (org.quartz.TriggerKey key : scheduler.getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.triggerGroupEquals(ScheduleDaemon.GROUP))) {
            triggers.add(scheduler.getTrigger(key));
        }
        return triggers;
    }
}
