package dev.lifeboat.storage.s3;

import java.time.Duration;
import java.util.Objects;

/**
 * How an S3 store writes and talks to the server; every field has a default (see
 * {@link #DEFAULTS}) that an {@code s3://} URI option can override.
 *
 * @param storageClass   x-amz-storage-class of new objects (e.g. STANDARD_IA), or null for the bucket's default
 * @param sse            server-side encryption: AES256, aws:kms or aws:kms:dsse, or null for the bucket's default
 * @param sseKmsKeyId    the KMS key for aws:kms, or null for the account's default key
 * @param timeout        how long a connection may stay silent (connect, or no byte read) before the
 *                       request fails as transient
 * @param requestTimeout how long one request may take in all (it bounds an upload to a server that
 *                       stopped reading, which no socket timeout notices)
 * @param pageSize       keys per list request (S3 gives at most 1000)
 * @param partSize       bytes per part of a multipart upload, and the largest content sent in one
 *                       PutObject; a put holds at most one part in memory
 * @param checksums      whether the SDK adds a CRC checksum to every upload
 *                       (true, S3's default) or only where S3 requires one (false, for S3-compatible
 *                       servers that reject the newer checksum headers)
 */
public record S3Options(String storageClass, String sse, String sseKmsKeyId, Duration timeout, Duration requestTimeout,
                        int pageSize, int partSize, boolean checksums) {

    /** S3 refuses parts below 5 MiB (except the last one). */
    public static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    /** Our own cap: a part is one byte array in memory. */
    public static final int MAX_PART_SIZE = 1024 * 1024 * 1024;
    /** S3 numbers parts 1 to 10000. */
    public static final int MAX_PARTS = 10_000;

    public static final S3Options DEFAULTS = new S3Options(null, null, null, Duration.ofSeconds(30),
            Duration.ofMinutes(5), 1000, 16 * 1024 * 1024, true);

    public S3Options {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("page size must be 1 to 1000, not " + pageSize);
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new IllegalArgumentException("part size must be 5 MiB to 1 GiB, not " + partSize + " bytes");
        }
        if (timeout.isNegative() || timeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
