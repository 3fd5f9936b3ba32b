/**
 * {@code lifeboat replicate}: copies what one repository has and another lacks (descriptor,
 * WAL, backups with their manifests last), each object checked as it is copied.
 *
 * <p>May use {@code repo}, {@code wal}, {@code lock}, {@code codec}, {@code crypto}, {@code error} and storage.
 */
package dev.lifeboat.core.replicate;
