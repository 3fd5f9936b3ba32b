/**
 * Restore and point-in-time recovery: choosing the backup for a target ({@code RestorePlanner}),
 * writing its files, the recovery settings, WAL prefetching for restore_command, starting the
 * restored instance, and promoting it.
 *
 * <p>May use {@code archive} (WAL fetch and inventory), {@code repo}, {@code wal}, {@code pg},
 * {@code lock}, {@code error} and storage.
 */
package dev.lifeboat.core.restore;
