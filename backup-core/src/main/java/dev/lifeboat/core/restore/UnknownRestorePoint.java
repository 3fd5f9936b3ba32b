package dev.lifeboat.core.restore;

import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses a restore point name that the archive proves does not exist, before anything is
 * restored: otherwise recovery replays every segment, misses the target, and the server stops
 * with a FATAL after the whole restore was written.
 *
 * <p>Only a proof counts, as for time and transaction targets: every segment recovery could
 * replay (from the oldest backup's start to the end of the archive on the target's timeline
 * path) has a summary, and no streamed WAL lies beyond them. A segment without a summary (a
 * scan that failed, an older Lifeboat) or streamed WAL (a partial segment, never summarised)
 * may hold the restore point, so then the planner restores and lets recovery look.
 */
final class UnknownRestorePoint {

    private static final int NAMES_IN_HINT = 5;

    private UnknownRestorePoint() {
    }

    /** Throws {@link ErrorCode#TARGET} when the summaries prove that no restore point is named {@code name}. */
    static void refuseIfProvenAbsent(Repository repository, String name, WalInventory wal, TimelineHistory history,
                                     BackupManifest oldest) {
        WalInventory.Reach reach = wal.reach(history, wal.segmentOf(Lsn.parse(oldest.startLsn())));
        Set<String> known = new LinkedHashSet<>(); // newest first
        for (long s = reach.endSegment() - 1; s >= reach.firstSegment(); s--) {
            Optional<WalSummary> summary = wal.segmentOnPath(history, s).flatMap(repository.wal()::summary);
            if (summary.isEmpty() || summary.get().restorePoints() == null) {
                return; // this segment was not summarised: it may hold the restore point
            }
            List<WalSummary.RestorePoint> points = new ArrayList<>(summary.get().restorePoints());
            for (int i = points.size() - 1; i >= 0; i--) {
                known.add(points.get(i).name());
            }
        }
        if (!StreamedWal.of(repository).list().isEmpty()) {
            return; // streamed WAL beyond the archive is not summarised: recovery may meet it there
        }
        List<String> names = known.stream().limit(NAMES_IN_HINT).toList();
        String hint = names.isEmpty()
                ? "the archived WAL after the oldest backup holds no restore point: create one with pg_create_restore_point(name),"
                        + " or choose --target-time, --target-lsn or --target latest"
                : "restore points in the archive, newest first: " + String.join(", ", names)
                        + (known.size() > names.size() ? " (and " + (known.size() - names.size()) + " more)" : "")
                        + "; names are case-sensitive";
        throw new LifeboatException(ErrorCode.TARGET, "no restore point named '" + name + "' in the archived WAL after the oldest backup ("
                + oldest.id() + ") on timeline " + history.timeline(), hint);
    }
}
