/**
 * {@code lifeboat verify}: reads every stored object of a backup and the WAL it needs, checked
 * against its recorded size and SHA-256, without restoring anything.
 *
 * <p>May use {@code archive}, {@code repo}, {@code wal}, {@code lock}, {@code error} and storage.
 */
package dev.lifeboat.core.verify;
