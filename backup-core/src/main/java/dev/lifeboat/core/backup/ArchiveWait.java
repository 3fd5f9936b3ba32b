package dev.lifeboat.core.backup;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.repo.Repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Waits until every WAL segment a backup needs to become consistent is in the repository.
 * A backup without that WAL cannot be restored, so it does not count until then (pgBackRest's
 * rule). Lifeboat checks its own repository rather than trusting PostgreSQL's archiver.
 */
final class ArchiveWait {

    private static final long POLL_MILLIS = 200;

    private ArchiveWait() {
    }

    /** The timeout's hint for a backup of a primary. */
    private static final String PRIMARY_HINT = "check archive_command (it must run 'lifeboat wal-push --repo <this repository> %p')"
            + " and the server log; raise --archive-timeout for a slow store";

    /**
     * What to tell the user when the WAL does not come. A standby does not archive (unless
     * archive_mode = always) and cannot switch WAL: its stop segment arrives through the primary.
     */
    static String hint(boolean fromStandby, boolean primarySwitched) {
        if (!fromStandby) {
            return PRIMARY_HINT;
        }
        return "the primary's archive_command (or the standby's, with archive_mode = always) must run 'lifeboat wal-push --repo"
                + " <this repository> %p'; " + (primarySwitched ? "" : "pass --primary-port (and --primary-host) so that Lifeboat"
                + " asks the primary to switch WAL, or set archive_timeout on the primary; ") + "raise --archive-timeout for a slow store";
    }

    /**
     * @param session        the server whose archiver to describe when the WAL does not come; null: none
     *                       (a standby's archiver says nothing about the primary's WAL)
     * @param commandStarted when the backup began: an archiver failure older than that is not this backup's
     */
    static void await(Repository repository, ClusterSession session, List<String> segments, Duration timeout,
                      Instant commandStarted, ProgressListener progress, String hint) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int found = 0;
        while (found < segments.size()) {
            if (repository.wal().find(segments.get(found)).isPresent()) {
                found++;
                progress.advance("segments", found, segments.size());
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw notArchived(session, segments.get(found), timeout, commandStarted, hint);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while waiting for WAL", null, e);
            }
        }
    }

    private static LifeboatException notArchived(ClusterSession session, String segment, Duration timeout, Instant commandStarted,
                                                 String hint) {
        String archiver = session == null ? "" : archiverState(session, commandStarted);
        return new LifeboatException(ErrorCode.TIMEOUT,
                "WAL segment " + segment + " did not reach the repository within " + timeout.toSeconds() + "s" + archiver, hint);
    }

    private static String archiverState(ClusterSession session, Instant commandStarted) {
        try {
            ClusterSession.ArchiverStatus status = session.archiverStatus();
            // pg_stat_archiver keeps its last failure forever: blame only one that happened during this backup.
            if (status.failingSince(commandStarted)) {
                return "; the archiver last failed on " + status.lastFailedWal() + " at " + status.lastFailedTime()
                        + " (" + status.failedCount() + " failures)";
            } else if (status.lastArchivedWal() != null) {
                return "; the archiver last archived " + status.lastArchivedWal();
            }
        } catch (RuntimeException ignored) {
            // the session may be gone; the message is still useful without it
        }
        return "";
    }
}
