package dev.lifeboat.core.drill;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.restore.RecoveryTarget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A restore drill: restore a backup into a scratch instance, start it, check it, record the
 * verdict in the repository and remove the instance.
 *
 * @param backupId        the backup to drill, or null for the newest that can reach the target
 * @param target          where recovery stops (restore's targets; not last-known-good)
 * @param targetTimeline  the timeline to follow, or null for the newest
 * @param checks          the user's checks (from a checks file), maybe none
 * @param checksDatabase  where a user check without {@code -- database:} runs (null: postgres)
 * @param keep            leave the scratch instance running (and its directory) for a look
 * @param scratchParent   where the scratch directory is made, or null for the temporary directory
 * @param lifeboatCommand the command that runs Lifeboat, for the instance's restore_command (wal-fetch only)
 * @param commandOptions  options every Lifeboat command written into its settings gets (e.g. --config FILE)
 * @param login           how to log in to the scratch instance (port ignored)
 * @param settings        more settings for the scratch instance (e.g. shared_buffers)
 * @param checkTimeout    the longest a single check (a statement, pg_amcheck of one database) may run
 */
public record DrillRequest(
        String backupId,
        RecoveryTarget target,
        Integer targetTimeline,
        List<UserCheck> checks,
        String checksDatabase,
        boolean keep,
        Path scratchParent,
        List<String> lifeboatCommand,
        List<String> commandOptions,
        ConnectionSettings login,
        Map<String, String> settings,
        Duration startTimeout,
        Duration checkTimeout,
        int jobs,
        ProgressListener progress) {

    public DrillRequest {
        checksDatabase = checksDatabase == null || checksDatabase.isBlank() ? "postgres" : checksDatabase;
        checks = List.copyOf(checks);
        settings = Map.copyOf(settings);
    }
}
