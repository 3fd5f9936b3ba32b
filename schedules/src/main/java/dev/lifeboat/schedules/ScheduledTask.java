package dev.lifeboat.schedules;

import dev.lifeboat.core.repo.Repository;

/**
 * What one job kind does when it fires: a thin call of a backup-core service. A task throws
 * on failure (a LifeboatException says what went wrong in one line) and otherwise returns a
 * one-line summary for the job record.
 */
@FunctionalInterface
public interface ScheduledTask {

    String run(Repository repository);
}
