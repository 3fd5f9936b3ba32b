package dev.lifeboat.core.backup;

import dev.lifeboat.core.Parallelism;
import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.BackupType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A base backup to take. Its defaults live here, for the command and the scheduled job alike:
 * build one with {@link #builder}.
 *
 * @param pgdata         the data directory of the server that {@code connection} reaches
 * @param jobs           files compressed and stored at once
 * @param archiveTimeout how long to wait for the WAL the backup needs to reach the repository
 * @param checkPages     whether data page checksums are checked while files are read (when the
 *                       cluster has them on)
 * @param fromStandby    whether {@code connection} and {@code pgdata} name a standby (a primary is then refused)
 * @param primary        the standby's primary, asked to switch WAL after the backup stops so that the
 *                       stop segment is archived promptly; null: wait for it to be archived anyway
 */
public record BackupRequest(Path pgdata, ConnectionSettings connection, BackupType type, int jobs,
                            Duration archiveTimeout, ProgressListener progress, boolean checkPages,
                            boolean fromStandby, ConnectionSettings primary) {

    public BackupRequest {
        if (primary != null && !fromStandby) {
            throw new LifeboatException(ErrorCode.USAGE, "--primary-host and --primary-port are for a backup --from-standby",
                    "add --from-standby when --pg-port names a standby, or leave out --primary-host and --primary-port");
        }
    }

    /** A backup of a primary. */
    public BackupRequest(Path pgdata, ConnectionSettings connection, BackupType type, int jobs, Duration archiveTimeout,
                         ProgressListener progress, boolean checkPages) {
        this(pgdata, connection, type, jobs, archiveTimeout, progress, checkPages, false, null);
    }

    /** A request that checks pages (the default). */
    public BackupRequest(Path pgdata, ConnectionSettings connection, BackupType type, int jobs, Duration archiveTimeout,
                         ProgressListener progress) {
        this(pgdata, connection, type, jobs, archiveTimeout, progress, true);
    }

    /** The backup type unless one is chosen, as the command's --type help shows it. */
    public static final String DEFAULT_TYPE = "full";
    /** Seconds to wait for the backup's WAL, as --archive-timeout shows it. */
    public static final String DEFAULT_ARCHIVE_TIMEOUT_SECONDS = "120";
    public static final Duration DEFAULT_ARCHIVE_TIMEOUT = Duration.ofSeconds(Long.parseLong(DEFAULT_ARCHIVE_TIMEOUT_SECONDS));

    public static Builder builder(Path pgdata, ConnectionSettings connection) {
        return new Builder(pgdata, connection);
    }

    /** A backup request with every setting at its default until set; a null argument keeps the default. */
    public static final class Builder {
        private final Path pgdata;
        private final ConnectionSettings connection;
        private BackupType type = BackupType.parse(DEFAULT_TYPE);
        private Integer jobs;
        private Duration archiveTimeout = DEFAULT_ARCHIVE_TIMEOUT;
        private ProgressListener progress = ProgressListener.NONE;
        private boolean checkPages = true;
        private boolean fromStandby;
        private ConnectionSettings primary;

        private Builder(Path pgdata, ConnectionSettings connection) {
            this.pgdata = Objects.requireNonNull(pgdata, "pgdata");
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        public Builder type(BackupType type) {
            this.type = type == null ? this.type : type;
            return this;
        }

        /** Files at once; null (or not positive): one per CPU. */
        public Builder jobs(Integer jobs) {
            this.jobs = jobs;
            return this;
        }

        public Builder archiveTimeout(Duration timeout) {
            this.archiveTimeout = timeout == null ? DEFAULT_ARCHIVE_TIMEOUT : timeout;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress == null ? ProgressListener.NONE : progress;
            return this;
        }

        /** Whether to check data page checksums while reading (default true; they cost little CPU). */
        public Builder checkPages(boolean checkPages) {
            this.checkPages = checkPages;
            return this;
        }

        /** Whether the cluster to back up is a standby (default false). */
        public Builder fromStandby(boolean fromStandby) {
            this.fromStandby = fromStandby;
            return this;
        }

        /** The standby's primary, to switch WAL there after the backup; null (the default): none. */
        public Builder primary(ConnectionSettings primary) {
            this.primary = primary;
            return this;
        }

        public BackupRequest build() {
            return new BackupRequest(pgdata, connection, type, Parallelism.jobsOrCpus(jobs), archiveTimeout, progress, checkPages,
                    fromStandby, primary);
        }
    }
}
