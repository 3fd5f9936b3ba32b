/**
 * The filesystem adapter (local disks, NFS, mounted volumes): every put writes a temporary file,
 * fsyncs it, makes it visible in one step (hard link or rename) and fsyncs the directory.
 *
 * <p>May use {@code dev.lifeboat.storage} only.
 */
package dev.lifeboat.storage.fs;
