package dev.lifeboat.schedules;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

import java.time.Instant;

/**
 * The one Quartz job class: a thin shell that hands the job's name to the {@link JobRunner}.
 * Quartz never runs two executions of one job at once, across every daemon of a cluster.
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
            Instant missed = misfires.take(context.getTrigger().getKey());
            if (context.isRecovering()) {
                trigger = "recovery";
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
