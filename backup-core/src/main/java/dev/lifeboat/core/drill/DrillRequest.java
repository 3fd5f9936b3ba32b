package dev.lifeboat.core.drill;

import dev.lifeboat.core.pg.PgBinChoice;
import dev.lifeboat.core.Parallelism;
import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestoreRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A restore drill: restore a backup into a scratch instance, start it, check it, record the
 * verdict in the repository and remove the instance. Build one with {@link #builder()}: its
 * defaults live there, for the command and the scheduled job alike.
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
 * @param pgBin           the server bin directory the user named (--pg-bin), or the search for the backup's major version
 *                        (LIFEBOAT_PG_BIN first), and whether it may download that version (--download-pg)
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
        ProgressListener progress,
        PgBinChoice pgBin) {

    /** Where a check without {@code -- database:} runs unless told otherwise, as --checks-database shows it. */
    public static final String DEFAULT_CHECKS_DATABASE = "postgres";
    /** The drill's restore waits as long as a restore does, as --start-timeout shows it. */
    public static final String DEFAULT_START_TIMEOUT_SECONDS = RestoreRequest.DEFAULT_START_TIMEOUT_SECONDS;
    public static final Duration DEFAULT_START_TIMEOUT = RestoreRequest.DEFAULT_START_TIMEOUT;
    /** Seconds one check may run, as --check-timeout shows it. */
    public static final String DEFAULT_CHECK_TIMEOUT_SECONDS = "3600";
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(Long.parseLong(DEFAULT_CHECK_TIMEOUT_SECONDS));

    public DrillRequest {
        checksDatabase = checksDatabase == null || checksDatabase.isBlank() ? DEFAULT_CHECKS_DATABASE : checksDatabase;
        checks = List.copyOf(checks);
        settings = Map.copyOf(settings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A drill with every setting at its default until set: the newest backup that reaches the
     * newest point (latest), no user checks, the scratch instance removed afterwards, one object
     * per CPU. A null argument keeps the default.
     */
    public static final class Builder {
        private String backupId;
        private RecoveryTarget target = new RecoveryTarget.Latest();
        private Integer targetTimeline;
        private List<UserCheck> checks = List.of();
        private String checksDatabase = DEFAULT_CHECKS_DATABASE;
        private boolean keep;
        private Path scratchParent;
        private List<String> lifeboatCommand = List.of();
        private List<String> commandOptions = List.of();
        private ConnectionSettings login;
        private Map<String, String> settings = Map.of();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
        private Integer jobs;
        private ProgressListener progress = ProgressListener.NONE;
        private Path pgBin;
        private boolean downloadPg;

        private Builder() {
        }

        /** The backup to drill; null: the newest that reaches the target. */
        public Builder backupId(String backupId) {
            this.backupId = backupId;
            return this;
        }

        public Builder target(RecoveryTarget target) {
            this.target = target == null ? this.target : target;
            return this;
        }

        public Builder targetTimeline(Integer timeline) {
            this.targetTimeline = timeline;
            return this;
        }

        public Builder checks(List<UserCheck> checks) {
            this.checks = checks == null ? List.of() : checks;
            return this;
        }

        public Builder checksDatabase(String database) {
            this.checksDatabase = database;
            return this;
        }

        public Builder keep(boolean keep) {
            this.keep = keep;
            return this;
        }

        public Builder scratchParent(Path directory) {
            this.scratchParent = directory;
            return this;
        }

        /** How the scratch instance runs Lifeboat for WAL: the command, and the options every call gets. */
        public Builder lifeboat(List<String> command, List<String> options) {
            this.lifeboatCommand = command == null ? List.of() : command;
            this.commandOptions = options == null ? List.of() : options;
            return this;
        }

        public Builder login(ConnectionSettings login) {
            this.login = login;
            return this;
        }

        public Builder settings(Map<String, String> settings) {
            this.settings = settings == null ? Map.of() : settings;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout == null ? DEFAULT_START_TIMEOUT : timeout;
            return this;
        }

        public Builder checkTimeout(Duration timeout) {
            this.checkTimeout = timeout == null ? DEFAULT_CHECK_TIMEOUT : timeout;
            return this;
        }

        /** Objects at once; null (or not positive): one per CPU. */
        public Builder jobs(Integer jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress == null ? ProgressListener.NONE : progress;
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

        public DrillRequest build() {
            return new DrillRequest(backupId, target, targetTimeline, checks, checksDatabase, keep, scratchParent, lifeboatCommand,
                    commandOptions, login, settings, startTimeout, checkTimeout, Parallelism.jobsOrCpus(jobs), progress, new PgBinChoice(pgBin, downloadPg));
        }
    }
}
