package dev.lifeboat.cli.it;

import dev.lifeboat.storage.s3.LocalS3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Two S3 regions for end-to-end tests: a real S3 HTTP server (s3proxy) in the test JVM on
 * 127.0.0.1 with the buckets {@link LocalS3Server#EU_BUCKET} and {@link LocalS3Server#US_BUCKET}.
 * bin/lifeboat processes reach it through the endpoint in the repository URI and take its
 * credentials from the environment ({@link #env()}), as an operator's would; the test itself
 * looks behind Lifeboat's back with a plain client.
 */
final class S3Regions implements AutoCloseable {

    private final LocalS3Server server;
    private final S3Client client;

    private S3Regions(LocalS3Server server) {
        this.server = server;
        this.client = server.newClient();
    }

    static S3Regions start() {
        try {
            return new S3Regions(LocalS3Server.start());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the local S3 server", e);
        }
    }

    LocalS3Server server() {
        return server;
    }

    /** The credentials, as environment variables of a bin/lifeboat process or a PostgreSQL server. */
    Map<String, String> env() {
        return Map.of("AWS_ACCESS_KEY_ID", LocalS3Server.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", LocalS3Server.SECRET_KEY,
                "AWS_EC2_METADATA_DISABLED", "true");
    }

    /** The repository URI of {@code prefix} in {@code bucket}, with its region and this server's endpoint. */
    String uri(String bucket, String prefix, String... options) {
        return server.uri(bucket, prefix, options);
    }

    /** The same, reached through {@code via} (a fault-injecting proxy, a closed port). */
    String uri(URI via, String bucket, String prefix, String... options) {
        return server.uri(via, bucket, prefix, options);
    }

    /** Every object under the prefix, by key relative to it, with the SHA-256 of its raw bytes. */
    Map<String, String> objects(String bucket, String prefix) {
        Map<String, String> objects = new TreeMap<>();
        for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + "/")).contents()) {
            byte[] bytes = client.getObjectAsBytes(r -> r.bucket(bucket).key(object.key())).asByteArray();
            objects.put(object.key().substring(prefix.length() + 1), sha256(bytes));
        }
        return objects;
    }

    /** Whether any key under the prefix starts with {@code start} (relative to the prefix). */
    boolean hasKeyStartingWith(String bucket, String prefix, String start) {
        return !client.listObjectsV2(r -> r.bucket(bucket).prefix(prefix + "/" + start).maxKeys(1)).contents().isEmpty();
    }

    byte[] read(String bucket, String prefix, String key) {
        return client.getObjectAsBytes(r -> r.bucket(bucket).key(prefix + "/" + key)).asByteArray();
    }

    void write(String bucket, String prefix, String key, byte[] bytes) {
        client.putObject(r -> r.bucket(bucket).key(prefix + "/" + key), RequestBody.fromBytes(bytes));
    }

    void delete(String bucket, String prefix, String key) {
        client.deleteObject(r -> r.bucket(bucket).key(prefix + "/" + key));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
