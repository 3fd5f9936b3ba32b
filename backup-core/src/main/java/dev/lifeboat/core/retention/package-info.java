/**
 * Retention: which backups and WAL a policy keeps ({@code RetentionPlanner}) and removing the
 * rest in a crash-safe order ({@code ExpireService}); durations as operators write them.
 *
 * <p>May use {@code archive} (the WAL inventory), {@code repo}, {@code wal}, {@code lock},
 * {@code error} and storage.
 */
package dev.lifeboat.core.retention;
