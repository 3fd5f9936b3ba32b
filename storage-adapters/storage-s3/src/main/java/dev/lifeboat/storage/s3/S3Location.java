package dev.lifeboat.storage.s3;

import java.net.URI;
import java.util.Objects;

/**
 * Where an S3 store is: a bucket, a key prefix inside it (no leading or trailing '/', empty for
 * the whole bucket), the region to sign for and, for S3-compatible servers, their endpoint.
 *
 * @param endpoint  the server's base URL, or null for AWS itself (the SDK derives it from the region)
 * @param pathStyle address the bucket as {@code endpoint/bucket} instead of {@code bucket.endpoint}
 */
public record S3Location(String bucket, String prefix, String region, URI endpoint, boolean pathStyle) {

    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
    }

    /** The object key of a blob key: {@code <prefix>/<key>}, or the key itself without a prefix. */
    public String objectKey(String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    /** The blob key of an object key that {@link #objectKey} made. */
    public String blobKey(String objectKey) {
        return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
    }

    /**
     * For messages: "s3://bucket/prefix (eu-west-1)", with " at <endpoint>" for a server other
     * than AWS. Holds no secret: the URI cannot carry one (see {@link S3StoreUri}).
     */
    public String describe() {
        String where = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        return where + " (" + region + (endpoint == null ? "" : " at " + endpoint) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
