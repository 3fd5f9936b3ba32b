package dev.lifeboat.core.restore;

import java.time.Duration;
import java.util.List;

/**
 * What a restore did and how long each phase took.
 *
 * @param standby         the instance runs as a standby (consistent, read-only, replaying archived WAL)
 * @param pausedAtTarget  recovery stopped at the target and waits, read-only, to be promoted
 * @param reachedTimeline the timeline the new instance writes on, once started
 * @param filesDuration   fetching, decompressing, checking and writing the backup's files
 * @param toConsistent    from starting the server until it accepted connections (consistent)
 * @param toPromoted      from starting the server until recovery finished
 * @param toOpenForWrites from starting the server until a write succeeded
 */
public record RestoreResult(
        String backupId,
        String target,
        String pgdata,
        int port,
        boolean started,
        boolean standby,
        boolean pausedAtTarget,
        Integer reachedTimeline,
        long files,
        long bytes,
        Duration planDuration,
        Duration filesDuration,
        Duration toConsistent,
        Duration toPromoted,
        Duration toOpenForWrites,
        Duration totalDuration,
        String logFile,
        List<String> notes) {
}
