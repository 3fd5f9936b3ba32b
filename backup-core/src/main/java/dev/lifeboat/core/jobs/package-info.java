/**
 * The history of job runs kept in a repository ({@code JobRunLog}): claims on a due time, run
 * markers and records, and whether the process that wrote one is still alive.
 *
 * <p>May use {@code repo}, {@code json}, {@code error} and storage; must not use Quartz (the
 * schedules module drives it).
 */
package dev.lifeboat.core.jobs;
