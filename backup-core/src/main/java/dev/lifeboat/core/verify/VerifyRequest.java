package dev.lifeboat.core.verify;

import dev.lifeboat.core.Parallelism;
import dev.lifeboat.core.ProgressListener;

/**
 * A check of stored backups without restoring them. Build one with {@link #builder()}: its
 * defaults live there, for the command and the scheduled job alike.
 *
 * @param backupId the backup to verify, or null for every backup in the repository
 * @param jobs     objects read at once
 */
public record VerifyRequest(String backupId, int jobs, ProgressListener progress) {

    public static Builder builder() {
        return new Builder();
    }

    /** A verify of every backup, one object per CPU at once, until told otherwise. */
    public static final class Builder {
        private String backupId;
        private Integer jobs;
        private ProgressListener progress = ProgressListener.NONE;

        private Builder() {
        }

        /** The backup to verify; null: every backup. */
        public Builder backupId(String backupId) {
            this.backupId = backupId;
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

        public VerifyRequest build() {
            return new VerifyRequest(backupId, Parallelism.jobsOrCpus(jobs), progress);
        }
    }
}
