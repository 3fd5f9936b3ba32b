/**
 * The scheduler: the schedule's definition, Quartz with Lifeboat's one job class, the daemon
 * (optionally clustered through a JDBC job store), cron plans, and the tasks, each a thin call of
 * a backup-core service, recorded in the job's repository.
 *
 * <p>May use Quartz, backup-core and storage; must not use picocli or the cli module.
 */
package dev.lifeboat.schedules;
