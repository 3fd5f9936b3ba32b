package dev.lifeboat.core.restore;

import dev.lifeboat.core.pg.PgBinChoice;
import dev.lifeboat.core.Parallelism;
import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.ConnectionSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A restore into a new data directory. Build one with {@link #builder}: its defaults live there,
 * for the command and the drill alike.
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
 * @param pgBin           the server bin directory the user named (--pg-bin), or the search for the backup's major version
 *                        (LIFEBOAT_PG_BIN first), and whether it may download that version (--download-pg)
 * @param tablespaceMap   new directories for tablespaces, by name or oid ({@link TablespaceRemap})
 * @param tablespaceHome  where tablespaces not in the map go (as HOME/OID), or null: their original directories
 *                        (a standby's default is {@link #standbyTablespaceHome})
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
        Map<String, String> settings,
        PgBinChoice pgBin,
        Map<String, Path> tablespaceMap,
        Path tablespaceHome) {

    /** Segments fetched ahead of recovery unless the operator says otherwise, as --prefetch shows it. */
    public static final String DEFAULT_PREFETCH_TEXT = "8";
    public static final int DEFAULT_PREFETCH = Integer.parseInt(DEFAULT_PREFETCH_TEXT);
    /** Seconds to wait for recovery and the first write, as --start-timeout shows it (a drill's restore too). */
    public static final String DEFAULT_START_TIMEOUT_SECONDS = "3600";
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(Long.parseLong(DEFAULT_START_TIMEOUT_SECONDS));

    public RestoreRequest {
        settings = settings == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        tablespaceMap = tablespaceMap == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tablespaceMap));
    }

    /**
     * Where a standby's tablespaces go unless remapped: beside its data directory, never at the
     * original paths, which belong to the primary it follows when both run on one machine.
     */
    public static Path standbyTablespaceHome(Path pgdata) {
        Path absolute = pgdata.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + "-tablespaces");
    }

    /** Where tablespaces that are not remapped go (HOME/OID), or null for their original directories. */
    public Path effectiveTablespaceHome() {
        return tablespaceHome != null ? tablespaceHome : standby ? standbyTablespaceHome(pgdata) : null;
    }

    public static Builder builder(Path pgdata) {
        return new Builder(pgdata);
    }

    /**
     * A restore with every setting at its default until set: the newest point (latest), the
     * newest backup that reaches it, started and promoted, archive_mode off, the default prefetch, one
     * object per CPU. A null argument keeps the default.
     */
    public static final class Builder {
        private final Path pgdata;
        private int port;
        private RecoveryTarget target = new RecoveryTarget.Latest();
        private String backupId;
        private Integer targetTimeline;
        private List<String> lifeboatCommand = List.of();
        private List<String> commandOptions = List.of();
        private String archiveCommand;
        private boolean pauseAtTarget;
        private boolean start = true;
        private ConnectionSettings login;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Integer jobs;
        private int prefetch = DEFAULT_PREFETCH;
        private ProgressListener progress = ProgressListener.NONE;
        private boolean standby;
        private Map<String, String> settings = Map.of();
        private Path pgBin;
        private boolean downloadPg;
        private Map<String, Path> tablespaceMap = Map.of();
        private Path tablespaceHome;

        private Builder(Path pgdata) {
            this.pgdata = Objects.requireNonNull(pgdata, "pgdata");
        }

        /** The new instance's port (0: none, for a restore that is not started). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder target(RecoveryTarget target) {
            this.target = target == null ? this.target : target;
            return this;
        }

        public Builder backupId(String backupId) {
            this.backupId = backupId;
            return this;
        }

        public Builder targetTimeline(Integer timeline) {
            this.targetTimeline = timeline;
            return this;
        }

        /** How the new instance's settings run Lifeboat: the command, and the options every call gets. */
        public Builder lifeboat(List<String> command, List<String> options) {
            this.lifeboatCommand = command == null ? List.of() : command;
            this.commandOptions = options == null ? List.of() : options;
            return this;
        }

        public Builder archiveCommand(String archiveCommand) {
            this.archiveCommand = archiveCommand;
            return this;
        }

        public Builder pauseAtTarget(boolean pause) {
            this.pauseAtTarget = pause;
            return this;
        }

        public Builder start(boolean start) {
            this.start = start;
            return this;
        }

        public Builder login(ConnectionSettings login) {
            this.login = login;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout == null ? DEFAULT_START_TIMEOUT : timeout;
            return this;
        }

        /** Objects at once; null (or not positive): one per CPU. */
        public Builder jobs(Integer jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder prefetch(int segments) {
            this.prefetch = Math.max(0, segments);
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress == null ? ProgressListener.NONE : progress;
            return this;
        }

        public Builder standby(boolean standby) {
            this.standby = standby;
            return this;
        }

        public Builder settings(Map<String, String> settings) {
            this.settings = settings == null ? Map.of() : settings;
            return this;
        }

        /** The server bin directory to use (--pg-bin); null: LIFEBOAT_PG_BIN, else a search for the backup's version. */
        public Builder pgBin(Path pgBin) {
            this.pgBin = pgBin;
            return this;
        }

        /** Whether a search that finds no server of the backup's version downloads its embedded binaries (--download-pg). */
        public Builder downloadPg(boolean downloadPg) {
            this.downloadPg = downloadPg;
            return this;
        }

        public Builder pgBin(PgBinChoice choice) {
            this.pgBin = choice.directory();
            this.downloadPg = choice.download();
            return this;
        }

        /** New directories for tablespaces, by name or oid ({@link TablespaceRemap#parse}). */
        public Builder tablespaceMap(Map<String, Path> map) {
            this.tablespaceMap = map == null ? Map.of() : map;
            return this;
        }

        /** Where tablespaces not in the map go (HOME/OID); null: their original directories (a standby: beside its data directory). */
        public Builder tablespaceHome(Path home) {
            this.tablespaceHome = home;
            return this;
        }

        public RestoreRequest build() {
            return new RestoreRequest(pgdata, port, target, backupId, targetTimeline, lifeboatCommand, commandOptions, archiveCommand,
                    pauseAtTarget, start, login, startTimeout, Parallelism.jobsOrCpus(jobs), prefetch, progress, standby, settings,
                    new PgBinChoice(pgBin, downloadPg), tablespaceMap, tablespaceHome);
        }
    }
}
