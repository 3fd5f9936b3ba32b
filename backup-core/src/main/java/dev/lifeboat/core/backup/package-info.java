/**
 * Taking a base backup of a running cluster ({@code BackupService}): what to copy from the data
 * directory, which files a diff or incr backup can reuse, the upload of data objects, and the
 * wait for the WAL the backup needs; its manifest is written last.
 *
 * <p>May use {@code repo}, {@code wal}, {@code pg}, {@code lock}, {@code codec}, {@code error}
 * and storage.
 */
package dev.lifeboat.core.backup;
