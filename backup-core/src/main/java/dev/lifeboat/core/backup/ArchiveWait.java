package dev.lifeboat.core.backup;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.repo.Repository;

import java.time.Duration;
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

    static void await(Repository repository, ClusterSession session, List<String> segments, Duration timeout,
                      ProgressListener progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int found = 0;
        while (found < segments.size()) {
            if (repository.wal().find(segments.get(found)).isPresent()) {
                found++;
                progress.advance("segments", found, segments.size());
                continue;
            }
            if (System.nanoTime() > deadline) {
                throw notArchived(session, segments.get(found), timeout);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while waiting for WAL", null, e);
            }
        }
    }

    private static LifeboatException notArchived(ClusterSession session, String segment, Duration timeout) {
        String archiver = "";
        try {
            ClusterSession.ArchiverStatus status = session.archiverStatus();
            if (status.lastFailedWal() != null) {
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
