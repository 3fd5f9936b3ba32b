package dev.lifeboat.core.verify;

import dev.lifeboat.core.ProgressListener;

/**
 * A check of stored backups without restoring them.
 *
 * @param backupId the backup to verify, or null for every backup in the repository
 * @param jobs     objects read at once
 */
public record VerifyRequest(String backupId, int jobs, ProgressListener progress) {
}
