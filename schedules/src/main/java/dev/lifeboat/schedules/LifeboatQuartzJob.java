package dev.lifeboat.schedules;

import dev.lifeboat.core.jobs.JobRun;
import org.quartz.CronTrigger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;

import java.time.Instant;
import java.util.Date;

/**
 * The one Quartz job class: a thin shell that hands the job's name to the {@link JobRunner}.
 * Quartz does not run two executions of one job at once across the daemons of a cluster; what
 * slips through (a due time fired twice, a recovery re-run of a run that had finished or is
 * still alive) the run record refuses.
 */
@DisallowConcurrentExecution
public final class LifeboatQuartzJob implements Job {

    static final String RUNNER = "lifeboat.runner";
    static final String MISFIRES = "lifeboat.misfires";
    static final String JOB_NAME = "job";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            JobRunner runner = (JobRunner) context.getScheduler().getContext().get(RUNNER);
            MisfireNotes misfires = (MisfireNotes) context.getScheduler().getContext().get(MISFIRES);
            String name = context.getMergedJobDataMap().getString(JOB_NAME);
            String trigger = "schedule";
            Instant due = context.getScheduledFireTime() == null ? null : context.getScheduledFireTime().toInstant();
            Instant missed = misfires.take(context.getTrigger().getKey(), context.getPreviousFireTime());
            if (missed == null) {
                missed = missedPerSchedule(context.getTrigger(), context.getPreviousFireTime(), context.getScheduledFireTime());
            }
            if (context.isRecovering()) {
                trigger = JobRun.TRIGGER_RECOVERY;
                // The re-run of a job whose host died is recorded under the time it was due then.
                Instant original = originalDue(context);
                if (original != null) {
                    due = original;
                }
            } else if (missed != null) {
                trigger = "misfire";
            }
            runner.run(name, trigger, due, "misfire".equals(trigger) ? missed : null, context.getScheduler().getSchedulerInstanceId());
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
    }

    /**
     * For a cron trigger, a firing later than the trigger's own next time after its previous
     * firing makes up for that time: Quartz moved the trigger to "now" after a misfire, maybe on
     * another daemon of the cluster (whose note this daemon cannot see). Interval triggers restart
     * their count on a misfire, so for them only the note tells.
     */
    static Instant missedPerSchedule(Trigger trigger, Date previousFire, Date scheduled) {
        if (!(trigger instanceof CronTrigger) || scheduled == null || trigger.getStartTime() == null) {
            return null;
        }
        // Quartz starts a cron trigger at its first time after (start - 1 s)
        Date expected = trigger.getFireTimeAfter(previousFire != null ? previousFire : new Date(trigger.getStartTime().getTime() - 1000));
        return expected != null && scheduled.after(expected) ? expected.toInstant() : null;
    }

    private static Instant originalDue(JobExecutionContext context) {
        for (String key : new String[]{Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS,
                Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_FIRETIME_IN_MILLISECONDS}) {
            Object value = context.getMergedJobDataMap().get(key);
            if (value != null && value.toString().matches("\\d+")) {
                return Instant.ofEpochMilli(Long.parseLong(value.toString()));
            }
        }
        // Quartz starts the recovery trigger at the time the lost run was due; a misfire of the
        // recovery trigger moves its fire time, never its start time.
        return context.getTrigger().getStartTime() == null ? null : context.getTrigger().getStartTime().toInstant();
    }
}
