package dev.lifeboat.core.backup;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.BackupType;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A base backup to take.
 *
 * @param pgdata         the data directory of the server that {@code connection} reaches
 * @param jobs           files compressed and stored at once
 * @param archiveTimeout how long to wait for the WAL the backup needs to reach the repository
 */
public record BackupRequest(Path pgdata, ConnectionSettings connection, BackupType type, int jobs,
                            Duration archiveTimeout, ProgressListener progress) {
}
