package dev.lifeboat.core.wal;

import java.time.Instant;

/**
 * A named restore point, made by {@code pg_create_restore_point(name)}: a valid
 * {@code recovery_target_name}.
 *
 * @param lsn where the restore point's WAL record starts
 */
public record RestorePoint(String name, Instant time, Lsn lsn) {
}
