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

    /** @param commandStarted when the backup began: an archiver failure older than that is not this backup's */
    static void await(Repository repository, ClusterSession session, List<String> segments, Duration timeout,
                      Instant commandStarted, ProgressListener progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int found = 0;
        while (found < segments.size()) {
            if (repository.wal().find(segments.get(found)).isPresent()) {
                found++;
                progress.advance("segments", found, segments.size());
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw notArchived(session, segments.get(found), timeout, commandStarted);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while waiting for WAL", null, e);
            }
        }
    }

    private static LifeboatException notArchived(ClusterSession session, String segment, Duration timeout, Instant commandStarted) {
        String archiver = "";
        try {
            ClusterSession.ArchiverStatus status = session.archiverStatus();
            // pg_stat_archiver keeps its last failure forever: blame only one that happened during this backup.
            if (status.failingSince(commandStarted)) {
                archiver = "; the archiver last failed on " + status.lastFailedWal() + " at " + status.lastFailedTime()
                        + " (" + status.failedCount() + " failures)";
            } else if (status.lastArchivedWal() != null) {
                archiver = "; the archiver last archived " + status.lastArchivedWal();
            }
        } catch (RuntimeException ignored) {
            // the session may be gone; the message is still useful without it
        }
        return new LifeboatException(ErrorCode.TIMEOUT,
                "WAL segment " + segment + " did not reach the repository within " + timeout.toSeconds() + "s" + archiver,
                "check archive_command (it must run 'lifeboat wal-push --repo <this repository> %p') and the server log;"
                        + " raise --archive-timeout for a slow store");
    }
}
