package dev.lifeboat.core.backup;

import dev.lifeboat.core.Parallelism;
import dev.lifeboat.core.ProgressListener;
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
 */
public record BackupRequest(Path pgdata, ConnectionSettings connection, BackupType type, int jobs,
                            Duration archiveTimeout, ProgressListener progress, boolean checkPages) {

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

        public BackupRequest build() {
            return new BackupRequest(pgdata, connection, type, Parallelism.jobsOrCpus(jobs), archiveTimeout, progress, checkPages);
        }
    }
}
