package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.ConnectionSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restore into a new data directory.
 *
 * @param backupId        a backup to start from, or null to let the planner choose
 * @param targetTimeline  a timeline to follow, or null for the newest
 * @param lifeboatCommand the command that runs Lifeboat (e.g. the launcher), for restore_command
 * @param commandOptions  options every Lifeboat command written into the new instance's settings gets (e.g. --config FILE)
 * @param archiveCommand  archive_command for the new instance once it runs, or null for archive_mode = off
 * @param pauseAtTarget   pause at the target (recovery_target_action = pause) instead of promoting
 * @param start           start the instance and wait until it takes writes
 * @param login           how to log in to the new instance to check that it takes writes (port ignored)
 * @param prefetch        WAL segments fetched ahead of recovery while the instance starts (0: none)
 * @param standby         start it as a standby (standby.signal) that keeps replaying archived WAL until promoted;
 *                        the target must be {@link RecoveryTarget.Latest}
 * @param settings        more settings for the new instance (e.g. shared_buffers), written after Lifeboat's own;
 *                        those Lifeboat decides (restore and archive commands, targets, port) are refused
 */
public record RestoreRequest(
        Path pgdata,
        int port,
        RecoveryTarget target,
        String backupId,
        Integer targetTimeline,
        List<String> lifeboatCommand,
        List<String> commandOptions,
        String archiveCommand,
        boolean pauseAtTarget,
        boolean start,
        ConnectionSettings login,
        Duration startTimeout,
        int jobs,
        int prefetch,
        ProgressListener progress,
        boolean standby,
        Map<String, String> settings) {

    /** Segments fetched ahead of recovery unless the operator says otherwise. */
    public static final int DEFAULT_PREFETCH = 8;

    public RestoreRequest {
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A restore that recovers to its target and promotes, with no extra settings. */
    public RestoreRequest(Path pgdata, int port, RecoveryTarget target, String backupId, Integer targetTimeline,
                          List<String> lifeboatCommand, List<String> commandOptions, String archiveCommand, boolean pauseAtTarget,
                          boolean start, ConnectionSettings login, Duration startTimeout, int jobs, ProgressListener progress) {
        this(pgdata, port, target, backupId, targetTimeline, lifeboatCommand, commandOptions, archiveCommand, pauseAtTarget, start,
                login, startTimeout, jobs, 0, progress, false, Map.of());
    }
}
