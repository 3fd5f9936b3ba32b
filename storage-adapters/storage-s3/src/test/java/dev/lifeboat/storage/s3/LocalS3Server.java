package dev.lifeboat.storage.s3;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real S3 HTTP server in the test JVM: s3proxy over an in-memory store, on 127.0.0.1 at a free
 * port, checking request signatures. It holds two buckets that stand for two regions
 * ({@link #EU_BUCKET} and {@link #US_BUCKET}; s3proxy signs for any region, so the regions only
 * live in the URIs {@link #uri} builds), for tests of copying between regions.
 *
 * <p>Its credentials are fixed for the JVM ({@link #ACCESS_KEY}, {@link #SECRET_KEY}); stores
 * take them from the SDK's default chain, which {@link LocalS3} fills for the duration of a test
 * class. Other modules reuse this class through the test-jar (they add org.gaul:s3proxy to their
 * own test dependencies).
 */
public final class LocalS3Server implements AutoCloseable {

    public static final String EU_BUCKET = "lifeboat-eu";
    public static final String US_BUCKET = "lifeboat-us";
    public static final Map<String, String> REGIONS = Map.of(EU_BUCKET, "eu-west-1", US_BUCKET, "us-east-2");

    public static final String ACCESS_KEY = "lifeboat-test";
    /** Random per JVM, so that nothing could ever authenticate with it elsewhere. */
    public static final String SECRET_KEY = HexFormat.of().formatHex(randomBytes(20));

    private final S3Proxy proxy;
    private final BlobStore blobs;
    private final URI endpoint;

    private LocalS3Server(S3Proxy proxy, BlobStore blobs, URI endpoint) {
        this.proxy = proxy;
        this.blobs = blobs;
        this.endpoint = endpoint;
    }

    /** Starts a server with both buckets, empty, in memory. */
    public static LocalS3Server start() throws Exception {
        return start(new TransientNio2BlobStore(), ACCESS_KEY, SECRET_KEY, 0);
    }

    /**
     * Starts a server that keeps its buckets in {@code directory} (created if need be) on
     * {@code port} (0: any free one), with the given credentials: for benchmarks, where an
     * in-memory store would hold the whole database in the heap.
     */
    public static LocalS3Server startOnDisk(Path directory, String accessKey, String secretKey, int port) throws Exception {
        Files.createDirectories(directory);
        return start(new FilesystemNio2BlobStore(directory.toString()), accessKey, secretKey, port);
    }

    private static LocalS3Server start(BlobStore blobs, String accessKey, String secretKey, int port) throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                // The SDK sends headers s3proxy does not know (checksum and SDK telemetry ones).
                .ignoreUnknownHeaders(true)
                // Tests leave keep-alive connections open; a graceful stop would wait for them.
                .stopTimeout(0)
                .build();
        proxy.start();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (AbstractLifeCycle.FAILED.equals(proxy.getState())) {
                throw new IllegalStateException("s3proxy failed to start");
            }
            Thread.sleep(5);
        }
        LocalS3Server server = new LocalS3Server(proxy, blobs, URI.create("http://127.0.0.1:" + proxy.getPort()));
        for (String bucket : new String[]{EU_BUCKET, US_BUCKET}) {
            try {
                blobs.createContainer(bucket);
            } catch (RuntimeException e) {
                // already there (a directory store that outlived an earlier run)
            }
        }
        return server;
    }

    /** The server's base URL, e.g. http://127.0.0.1:41234. */
    public URI endpoint() {
        return endpoint;
    }

    /** The port the server listens on. */
    public int port() {
        return endpoint.getPort();
    }

    /**
     * The store URI of {@code prefix} in {@code bucket} on this server, with the bucket's region,
     * path-style addressing and any extra {@code options} ("page-size=10", ...).
     */
    public String uri(String bucket, String prefix, String... options) {
        return uri(endpoint, bucket, prefix, options);
    }

    /** The same, but reaching the server through {@code via} (a {@link FaultInjectingProxy}, a closed port). */
    public String uri(URI via, String bucket, String prefix, String... options) {
        StringBuilder uri = new StringBuilder("s3://").append(bucket);
        if (!prefix.isEmpty()) {
            uri.append('/').append(prefix);
        }
        uri.append("?region=").append(REGIONS.getOrDefault(bucket, "us-east-1"))
                .append("&endpoint=").append(URLEncoder.encode(via.toString(), StandardCharsets.UTF_8))
                .append("&path-style=true");
        for (String option : options) {
            uri.append('&').append(option);
        }
        return uri.toString();
    }

    /**
     * A plain SDK client for this server with the test credentials given directly, for looking
     * behind a store's back (raw keys, pending multipart uploads). The caller closes it.
     */
    public S3Client newClient() {
        return S3Client.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            blobs.close();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
