package dev.lifeboat.core.backup;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.Repository;

/**
 * The primary of a standby being backed up (--primary-port/--primary-host). A standby cannot
 * switch WAL, so the segment holding the backup's stop point completes only when the primary
 * fills or switches it: on an idle primary that may take until archive_timeout, or for ever.
 * Lifeboat asks the primary to switch once the backup has stopped, as pgBackRest does.
 * It is checked before the backup starts, so that a wrong port fails in seconds, not after
 * the copy; each use opens its own short session (the copy may outlast an idle connection).
 */
final class StandbyPrimary {

    private StandbyPrimary() {
    }

    /** Refuses a primary that is itself in recovery, is another cluster, or does not archive. */
    static void check(ConnectionSettings primary, Repository repository) {
        try (ClusterSession session = ClusterSession.connect(primary)) {
            if (session.isInRecovery()) {
                throw new LifeboatException(ErrorCode.POSTGRES, "the server at " + primary.describe()
                        + " (--primary-port/--primary-host) is a standby too, not the primary",
                        "name the primary, the server the standby replicates from, with --primary-host and --primary-port");
            }
            repository.requireCluster(session.systemIdentifier(), "the primary at " + primary.describe());
            BackupService.requireArchiving(session, repository);
        }
    }

    /** Completes the primary's current WAL segment so that its archiver ships it. */
    static void switchWal(ConnectionSettings primary) {
        try (ClusterSession session = ClusterSession.connect(primary)) {
            session.switchWal();
        }
    }
}
