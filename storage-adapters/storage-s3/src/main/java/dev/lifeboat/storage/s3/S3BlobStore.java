package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobKeys;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ContentStream;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.StoreCapabilities;
import dev.lifeboat.storage.s3.S3Errors.Action;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Blobs as objects in an S3 bucket (AWS, or any S3-compatible server through an endpoint): key
 * "a/b" is the object {@code <prefix>/a/b}. Built on the AWS SDK v2 synchronous client with the
 * JDK's HTTP connection, which starts fast and closes at once, as a command run once per WAL
 * segment needs.
 *
 * <p>A put sends content of up to one part (16 MiB by default) in one PutObject, and anything
 * larger, or of unknown length that turns out larger, as a multipart upload that is aborted on
 * any failure; either way no partial object is ever visible and a put holds at most one part in
 * memory. CREATE_ONLY is S3's conditional write ({@code If-None-Match: *}), decided by the
 * server, so two writers racing for a key cannot both win.
 *
 * <p>The SDK's own retries are off: {@link dev.lifeboat.storage.RetryingBlobStore} above this
 * store retries, in one place, with its own policy, and it alone knows how to settle a
 * CREATE_ONLY whose earlier attempt may have stored the object.
 *
 * <p>Credentials come only from the SDK's default chain (environment, system properties,
 * profile, container or instance role); they are never logged or printed.
 */
public final class S3BlobStore implements BlobStore {

    private static final StoreCapabilities CAPABILITIES = new StoreCapabilities(true, 8, false);
    /** Connecting takes a round trip; longer than this means the network or the address is wrong. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String CONTENT_TYPE = "application/octet-stream";

    private final S3Location location;
    private final S3Options options;
    private final String description;
    private final DefaultCredentialsProvider credentials;
    private final S3Client s3;
    private final ObjectWriteSettings writeSettings;
    private final AtomicLong largestPartBuffer = new AtomicLong();
    /** Set once any call proved that the bucket exists, so a bare 404 of a HEAD means "no such key". */
    private volatile boolean bucketSeen;

    public S3BlobStore(S3StoreUri uri) {
        this(uri.location(), uri.options());
    }

    public S3BlobStore(S3Location location, S3Options options) {
        this.location = Objects.requireNonNull(location, "location");
        this.options = Objects.requireNonNull(options, "options");
        this.description = location.describe();
        this.writeSettings = ObjectWriteSettings.of(options);
        this.credentials = DefaultCredentialsProvider.builder().build();
        this.s3 = newClient(location, options, credentials);
    }

    private static S3Client newClient(S3Location location, S3Options options, DefaultCredentialsProvider credentials) {
        Duration connectTimeout = options.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? options.timeout() : MAX_CONNECT_TIMEOUT;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(location.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(location.pathStyle())
                // A part is in memory, so the SDK can hash it before sending: plain bodies with the
                // checksum in a header, instead of aws-chunked streaming with trailers. S3-compatible
                // servers handle those worst (s3proxy's Jetty drops the keep-alive connection after
                // some of them, and the next request on it fails).
                .serviceConfiguration(service -> service.chunkedEncodingEnabled(false))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(options.timeout()))
                .overrideConfiguration(override -> override
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(options.requestTimeout()))
                .requestChecksumCalculation(options.checksums()
                        ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(options.checksums()
                        ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED);
        if (location.endpoint() != null) {
            builder.endpointOverride(location.endpoint());
        }
        return builder.build();
    }

    @Override
    public String location() {
        return description;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    /** Where the store is, as parsed from its URI. */
    public S3Location s3Location() {
        return location;
    }

    /**
     * The most memory one part buffer of any put has held so far, in bytes: at most the part
     * size (of the URI, or larger for known content beyond 10000 parts). Tests assert on it.
     */
    public long largestPartBuffer() {
        return largestPartBuffer.get();
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        BlobKeys.check(key);
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(mode, "mode");
        String ifNoneMatch = mode == PutMode.CREATE_ONLY ? "*" : null;
        try (ContentStream in = ContentStream.open(content, description, key)) {
            PartBuffer buffer = new PartBuffer(partSizeFor(content.length()), content.length());
            try {
                buffer.fill(in);
                if (buffer.ended()) {
                    putObject(key, buffer, ifNoneMatch);
                } else {
                    new MultipartUpload(s3, location, key, writeSettings).run(buffer, in, ifNoneMatch);
                }
            } finally {
                largestPartBuffer.accumulateAndGet(buffer.allocated(), Math::max);
            }
            bucketSeen = true;
        } catch (IOException e) {
            // Not reached: ContentStream turns its source's failures into StorageExceptions.
            throw StorageException.unreadableContent(description, key, e);
        } catch (SdkException e) {
            // A 412 answers CREATE_ONLY: something is stored under the key. That something may
            // be this very content, stored by an earlier attempt whose reply was lost (or, with
            // s3proxy, by a PUT replayed on a stale keep-alive connection); telling those apart
            // means reading it back, which is RetryingBlobStore's job after a transient failure.
            // The SDK never retries here, so within one call a 412 is always someone else's blob.
            throw S3Errors.of(Action.STORE, location, key, e);
        }
    }

    /**
     * Content of known length beyond {@link S3Options#MAX_PARTS} parts gets larger parts (S3's
     * limit); content of unknown length keeps the configured size and fails past the limit.
     */
    private int partSizeFor(long length) {
        long partSize = options.partSize();
        if (length > partSize * S3Options.MAX_PARTS) {
            partSize = Math.min(S3Options.MAX_PART_SIZE, (length + S3Options.MAX_PARTS - 1) / S3Options.MAX_PARTS);
        }
        return (int) partSize;
    }

    private void putObject(String key, PartBuffer buffer, String ifNoneMatch) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(location.bucket())
                .key(location.objectKey(key))
                .contentLength((long) buffer.size())
                .ifNoneMatch(ifNoneMatch);
        writeSettings.applyTo(request);
        s3.putObject(request.build(), RequestBody.fromContentProvider(buffer::newStream, buffer.size(), CONTENT_TYPE));
    }

    @Override
    public InputStream get(String key) {
        BlobKeys.check(key);
        return open(key, null);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        BlobKeys.check(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for '" + key + "'");
        }
        if (length == 0) {
            // No Range header means zero bytes; the blob must still exist.
            stat(key).orElseThrow(() -> StorageException.notFound(description, key));
            return InputStream.nullInputStream();
        }
        long last = length > Long.MAX_VALUE - offset ? -1 : offset + length - 1;
        return open(key, "bytes=" + offset + "-" + (last < 0 ? "" : String.valueOf(last)));
    }

    private InputStream open(String key, String range) {
        try {
            InputStream in = new ObjectStream(s3.getObject(request -> request
                    .bucket(location.bucket()).key(location.objectKey(key)).range(range)));
            bucketSeen = true;
            return in;
        } catch (AwsServiceException e) {
            if (range != null && e.statusCode() == 416) {
                // The range starts at or past the end of an existing blob (a missing one is a 404).
                return InputStream.nullInputStream();
            }
            throw S3Errors.of(Action.READ, location, key, e);
        } catch (SdkException e) {
            throw S3Errors.of(Action.READ, location, key, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        BlobKeys.check(key);
        HeadObjectResponse head;
        try {
            head = s3.headObject(request -> request.bucket(location.bucket()).key(location.objectKey(key)));
        } catch (SdkException e) {
            StorageException failure = S3Errors.of(Action.STAT, location, key, e);
            if (failure.kind() != Kind.NOT_FOUND) {
                throw failure;
            }
            checkBucketExists(key);
            return Optional.empty();
        }
        bucketSeen = true;
        return Optional.of(new BlobInfo(key, head.contentLength(), head.lastModified()));
    }

    /**
     * A HEAD answers a bodiless 404 for a missing key and for a missing bucket alike; "no such
     * blob" must not be said of a bucket that is not there (a WAL fetch would end recovery), so
     * the first such answer is checked with a HeadBucket.
     */
    private void checkBucketExists(String key) {
        if (bucketSeen) {
            return;
        }
        try {
            s3.headBucket(request -> request.bucket(location.bucket()));
            bucketSeen = true;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 403) {
                return; // allowed to read objects but not to look at the bucket: it exists
            }
            if (e.statusCode() == 404) {
                throw new StorageException(Kind.PERMANENT, description, key, "cannot look up '" + key + "' in "
                        + description + ": bucket '" + location.bucket() + "' does not exist", e);
            }
            throw S3Errors.of(Action.STAT, location, key, e);
        } catch (SdkException e) {
            throw S3Errors.of(Action.STAT, location, key, e);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        BlobKeys.checkPrefix(prefix);
        ObjectListing listing = new ObjectListing(s3, location, prefix, options.pageSize());
        bucketSeen = true;
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(listing,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    @Override
    public void delete(String key) {
        BlobKeys.check(key);
        try {
            s3.deleteObject(request -> request.bucket(location.bucket()).key(location.objectKey(key)));
        } catch (SdkException e) {
            StorageException failure = S3Errors.of(Action.DELETE, location, key, e);
            if (failure.kind() != Kind.NOT_FOUND) {
                throw failure;
            }
        }
    }

    @Override
    public void close() {
        s3.close();
        credentials.close();
    }
}
