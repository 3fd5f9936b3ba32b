package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.StartupListener;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.pg.StartupProgress;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Waits for a started restore until it is where the request wants it: open for writes, a
 * consistent standby, or paused at the target; and tells the operator each phase on the way.
 */
final class RestoredInstanceWait {

    private RestoredInstanceWait() {
    }

    static RestoreService.Startup await(PgInstance instance, PgBinaries binaries, Path logFile, RestoreRequest request) {
        ProgressListener progress = request.progress();
        StartupListener listener = p -> {
            if (p.phase() == StartupPhase.RECOVERING && p.lastReplayedLsn() != null) {
                progress.step("replayed WAL up to " + p.lastReplayedLsn());
            } else if (p.phase() != StartupPhase.RECOVERING) {
                progress.step(p.phase().name().toLowerCase().replace('_', ' ') + " after "
                        + String.format("%.1f s", p.elapsed().toNanos() / 1e9));
            }
        };
        if (request.standby()) {
            return new RestoreService.Startup(instance, binaries, instance.awaitConsistent(request.startTimeout(), listener), null, logFile);
        }
        if (request.pauseAtTarget()) {
            List<StartupProgress> phases = instance.awaitConsistent(request.startTimeout(), listener);
            instance.awaitPausedAtTarget(request.startTimeout());
            progress.step("recovery paused at the target");
            return new RestoreService.Startup(instance, binaries, phases, null, logFile);
        }
        List<StartupProgress> phases = instance.awaitOpenForWrites(request.startTimeout(), listener);
        return new RestoreService.Startup(instance, binaries, phases, currentTimeline(instance), logFile);
    }

    /** The timeline the instance writes on, or null when it cannot tell. */
    static Integer currentTimeline(PgInstance instance) {
        try (Connection c = instance.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
            return rs.next() ? Integer.parseInt(rs.getString(1), 16) : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }
}
