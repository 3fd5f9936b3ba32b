package dev.lifeboat.schedules;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.DBConnectionManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;

/**
 * The scheduler daemon: Quartz with Lifeboat's jobs. With a job store database it joins a
 * cluster of daemons on other hosts (each trigger fires on one of them; a daemon that stops
 * checking in has its jobs taken over); without one it keeps the schedule in memory. Whatever
 * Quartz fires, a run's record admits one run per job and due time (see JobRunLog.admit).
 *
 * <p>Misfires (the host was down when a job was due) run once, as soon as possible, never
 * once per missed time. In memory the missed time is found from the job's records in its
 * repository; in a job store Quartz keeps the trigger and notices by itself.
 */
public final class ScheduleDaemon implements AutoCloseable {

    static final String GROUP = "lifeboat";
    static final String DATA_SOURCE = "lifeboat";
    static final String DEFINITION = "definition";

    private final Scheduler scheduler;
    private final boolean clustered;

    private ScheduleDaemon(Scheduler scheduler, boolean clustered) {
        this.scheduler = scheduler;
        this.clustered = clustered;
    }

    public static ScheduleDaemon start(ScheduleDefinition schedule, TaskCatalog catalog, Clock clock, JobEvents events) {
        JobRunner runner = new JobRunner(schedule, catalog, clock, events);
        Optional<JobStoreSettings> store = schedule.jobStore();
        PgConnectionProvider connections = null;
        if (store.isPresent()) {
            connections = new PgConnectionProvider(store.get());
            QuartzTables.ensure(connections, store.get());
            DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, connections);
        }
        Scheduler scheduler = null;
        try {
            scheduler = new StdSchedulerFactory(properties(schedule)).getScheduler();
            MisfireNotes misfires = new MisfireNotes();
            scheduler.getContext().put(LifeboatQuartzJob.RUNNER, runner);
            scheduler.getContext().put(LifeboatQuartzJob.MISFIRES, misfires);
            scheduler.getListenerManager().addTriggerListener(misfires);
            if (connections != null) {
                try (ScheduleLock lock = ScheduleLock.acquire(connections, store.get())) {
                    synchronise(scheduler, runner, clock.instant());
                }
            } else {
                synchronise(scheduler, runner, clock.instant());
            }
            scheduler.start();
            return new ScheduleDaemon(scheduler, store.isPresent());
        } catch (SchedulerException | RuntimeException e) {
            shutDownQuietly(scheduler); // its thread pool would keep the JVM alive
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new LifeboatException(ErrorCode.CONFIG, "cannot start the scheduler: " + JobRunner.oneLine(e),
                    store.isPresent() ? "check schedule.job-store (" + store.get().describe() + ")" : "run with --debug for details", e);
        }
    }

    private static void shutDownQuietly(Scheduler scheduler) {
        if (scheduler == null) {
            return;
        }
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException ignored) {
            // already failing: the first error is the one to report
        }
    }

    static Properties properties(ScheduleDefinition schedule) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "lifeboat");
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(schedule.threads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "lifeboat-job");
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(schedule.misfireThreshold().toMillis()));
        if (schedule.jobStore().isPresent()) {
            JobStoreSettings store = schedule.jobStore().get();
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
            p.setProperty("org.quartz.jobStore.tablePrefix", store.tablePrefix());
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(schedule.checkinInterval().toMillis()));
            // After a failed check-in Quartz waits this long before the next one (default 15 s): longer
            // than the check-in interval plus Quartz's 7.5 s grace, so one lost connection would get a
            // live daemon taken for dead and its running job re-run elsewhere.
            p.setProperty("org.quartz.jobStore.dbRetryInterval", Long.toString(schedule.checkinInterval().toMillis()));
            p.setProperty("org.quartz.jobStore.useProperties", "true");
            p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        } else {
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        }
        return p;
    }

    /**
     * Makes the stored schedule match the configuration: new jobs are scheduled, unchanged ones
     * keep their stored trigger (and so their misfire state), changed ones get a new trigger and
     * lose the old one, removed ones go. In a cluster this runs under {@link ScheduleLock}, so a
     * second daemon starting at the same moment finds the trigger the first one stored and keeps
     * it; a stored trigger is never rewritten in place (another daemon may have fired it or hold it).
     */
    static void synchronise(Scheduler scheduler, JobRunner runner, Instant now) throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        for (JobDefinition job : runner.schedule().jobs()) {
            JobKey jobKey = JobKey.jobKey(job.name(), GROUP);
            TriggerKey triggerKey = triggerKey(job);
            wanted.add(jobKey);
            boolean current = false;
            List<TriggerKey> stale = new ArrayList<>();
            for (Trigger existing : scheduler.getTriggersOfJob(jobKey)) {
                if (!GROUP.equals(existing.getKey().getGroup())) {
                    continue; // a recovery re-run Quartz scheduled for a dead daemon's run: it stays
                }
                if (existing.getKey().equals(triggerKey) && job.fingerprint().equals(existing.getJobDataMap().getString(DEFINITION))) {
                    current = true;
                } else {
                    stale.add(existing.getKey());
                }
            }
            if (!current) {
                scheduler.addJob(JobBuilder.newJob(LifeboatQuartzJob.class).withIdentity(jobKey)
                        .withDescription(job.kind().jsonName() + " " + job.timing().describe())
                        .usingJobData(LifeboatQuartzJob.JOB_NAME, job.name())
                        .storeDurably().requestRecovery(true).build(), true);
            }
            for (TriggerKey old : stale) {
                scheduler.unscheduleJob(old);
            }
            if (!current) {
                scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(triggerKey).forJob(jobKey)
                        .usingJobData(DEFINITION, job.fingerprint())
                        .withSchedule(scheduleOf(job))
                        .startAt(Date.from(firstDue(job, runner.lastDue(job), now)))
                        .build());
            }
        }
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(key)) {
                scheduler.deleteJob(key);
            }
        }
    }

    /**
     * A job's trigger is named after its definition too: a changed definition is a new trigger,
     * so a daemon still holding (acquired, about to fire) the old one finds it gone instead of
     * firing the new one with the old one's times.
     */
    static TriggerKey triggerKey(JobDefinition job) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(job.fingerprint().getBytes(StandardCharsets.UTF_8));
            return TriggerKey.triggerKey(job.name() + "@" + HexFormat.of().formatHex(hash, 0, 4), GROUP);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static ScheduleBuilder<? extends Trigger> scheduleOf(JobDefinition job) {
        if (job.timing().isCron()) {
            return CronScheduleBuilder.cronSchedule(job.timing().cron()).inTimeZone(TimeZone.getTimeZone(job.timing().zone()))
                    .withMisfireHandlingInstructionFireAndProceed();
        }
        return SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(job.timing().every().toMillis()).repeatForever()
                .withMisfireHandlingInstructionFireNow();
    }

    /**
     * Where a new trigger starts: at the first time the job was due after its last recorded
     * run when that time has passed (Quartz then sees one misfire and runs it once, now), else
     * now for a cron job, or one interval after the last run for an interval job.
     */
    static Instant firstDue(JobDefinition job, Optional<Instant> lastDue, Instant now) {
        if (lastDue.isEmpty()) {
            return now;
        }
        Instant next;
        if (job.timing().isCron()) {
            try {
                CronExpression cron = new CronExpression(job.timing().cron());
                cron.setTimeZone(TimeZone.getTimeZone(job.timing().zone()));
                Date after = cron.getTimeAfter(Date.from(lastDue.get()));
                if (after == null) {
                    return now;
                }
                next = after.toInstant();
            } catch (ParseException e) {
                return now; // checked when the configuration was read
            }
            return next.isBefore(now) ? next : now;
        }
        next = lastDue.get().plus(job.timing().every());
        return next;
    }

    public String instanceId() {
        try {
            return scheduler.getSchedulerInstanceId();
        } catch (SchedulerException | RuntimeException e) {
            return "unknown";
        }
    }

    public boolean clustered() {
        return clustered;
    }

    /** Stops taking new triggers and waits for running jobs to finish. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "scheduler did not stop cleanly: " + JobRunner.oneLine(e), null, e);
        }
    }
}
