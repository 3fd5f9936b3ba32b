/**
 * The S3 adapter (AWS SDK v2; path-style and custom endpoints for MinIO, Ceph, R2 and others):
 * multipart uploads, ranged reads, listings, and S3 errors mapped to storage error kinds.
 *
 * <p>May use {@code dev.lifeboat.storage} and the AWS SDK; the only place the AWS SDK is used.
 */
package dev.lifeboat.storage.s3;
