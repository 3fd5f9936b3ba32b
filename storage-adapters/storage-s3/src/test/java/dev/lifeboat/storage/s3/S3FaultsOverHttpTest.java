package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.GeneratedContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.RetryingBlobStore;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.s3.FaultInjectingProxy.Fault;
import dev.lifeboat.storage.s3.FaultInjectingProxy.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The S3 store under a misbehaving network, through {@link FaultInjectingProxy}: what the store
 * alone reports, and that the default stack ({@link BlobStores#openWithDefaults}: the store inside
 * {@link RetryingBlobStore}) rides out what a retry can cure, leaving exactly one whole object.
 */
class S3FaultsOverHttpTest {

    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    private static final int MIB = 1024 * 1024;
    private static final Predicate<Request> SINGLE_PUT = r -> r.method().equals("PUT") && !r.hasParameter("partNumber");

    private FaultInjectingProxy proxy;
    private String prefix;
    private BlobStore store;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultInjectingProxy.start(S3.server().endpoint());
        prefix = "faults/" + UUID.randomUUID();
    }

    @AfterEach
    void stopProxy() throws IOException {
        if (store != null) {
            store.close();
        }
        proxy.close();
    }

    /** The store as every command opens it: adapter, then retry. */
    private BlobStore openWithDefaults(String... options) {
        store = BlobStores.openWithDefaults(S3.server().uri(proxy.endpoint(), EU_BUCKET, prefix, options));
        assertThat(store).isInstanceOf(RetryingBlobStore.class);
        return store;
    }

    private BlobStore openWithoutRetries(String... options) {
        store = BlobStores.open(S3.server().uri(proxy.endpoint(), EU_BUCKET, prefix, options));
        return store;
    }

    @Test
    void aServiceUnavailableAnswerIsTransientForTheStoreAlone() {
        BlobStore bare = openWithoutRetries();
        proxy.failNext(1, Fault.SERVICE_UNAVAILABLE);

        Throwable thrown = catchThrowable(() -> bare.stat("wal/1"));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        assertThat(catchThrowable(() -> bare.get("wal/1"))).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    @Timeout(60)
    void aWrongRegionIsPermanentAndNamesTheRightOneForEveryRequest() {
        BlobStore retrying = openWithDefaults();
        proxy.failNext(3, Fault.WRONG_REGION);

        for (ThrowingCall call : List.<ThrowingCall>of(() -> retrying.stat("wal/1"),
                () -> retrying.put("wal/1", GeneratedContent.of(100, 1), PutMode.CREATE_ONLY),
                () -> retrying.list("wal/").close())) {
            Throwable thrown = catchThrowable(call::run);
            assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                assertThat(e.getMessage()).contains("region " + FaultInjectingProxy.EXPECTED_REGION)
                        .contains("region=" + FaultInjectingProxy.EXPECTED_REGION);
            });
        }
        assertThat(proxy.requests()).hasSize(3); // not retried
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    @Timeout(60)
    void threeServiceUnavailableAnswersThenSuccessStoresTheBlob() {
        BlobStore retrying = openWithDefaults();
        GeneratedContent segment = GeneratedContent.of(MIB, 1);
        proxy.failNext(3, Fault.SERVICE_UNAVAILABLE, SINGLE_PUT);

        retrying.put("wal/000000010000000000000001", segment, PutMode.CREATE_ONLY);

        assertThat(proxy.requests().stream().filter(SINGLE_PUT)).hasSize(4);
        assertThat(GeneratedContent.sha256(retrying.get("wal/000000010000000000000001"))).isEqualTo(segment.sha256());
    }

    @Test
    @Timeout(60)
    void aResetMidUploadThenSuccessLeavesExactlyOneCompleteObject() {
        BlobStore retrying = openWithDefaults();
        GeneratedContent segment = GeneratedContent.of(4L * MIB, 2);
        proxy.failNext(1, Fault.RESET_MID_REQUEST, SINGLE_PUT);

        retrying.put("wal/000000010000000000000002", segment, PutMode.CREATE_ONLY);

        assertExactlyOneObject("wal/000000010000000000000002", segment);
    }

    @Test
    @Timeout(120)
    void aResetMidPartThenSuccessLeavesOneObjectAndNoPendingUpload() {
        BlobStore retrying = openWithDefaults("part-size=5MiB");
        GeneratedContent base = GeneratedContent.of(12L * MIB, 3);
        proxy.failNext(1, Fault.RESET_MID_REQUEST, r -> r.method().equals("PUT") && r.target().contains("partNumber=2"));

        retrying.put("backup/base.tar", base.withUnknownLength(), PutMode.CREATE_ONLY);

        assertExactlyOneObject("backup/base.tar", base);
        try (S3Client raw = S3.server().newClient()) {
            assertThat(raw.listMultipartUploads(r -> r.bucket(EU_BUCKET).prefix(prefix)).uploads()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void aLostReplyToACreateOnlyPutIsSettledByComparingWhatIsStored() {
        BlobStore retrying = openWithDefaults();
        GeneratedContent segment = GeneratedContent.of(MIB, 4);
        proxy.failNext(1, Fault.LOSE_REPLY, SINGLE_PUT);

        // The server stored the blob but the reply was lost: the retry meets 412, and the
        // retry decorator finds its own bytes there, so the put succeeds.
        retrying.put("wal/000000010000000000000004", segment, PutMode.CREATE_ONLY);

        assertThat(proxy.requests().stream().filter(SINGLE_PUT)).hasSize(2);
        assertExactlyOneObject("wal/000000010000000000000004", segment);
    }

    @Test
    @Timeout(120)
    void aLostReplyToACreateOnlyCompletionIsSettledTooAndLeavesNoPendingUpload() {
        BlobStore retrying = openWithDefaults("part-size=5MiB");
        GeneratedContent base = GeneratedContent.of(11L * MIB, 5);
        proxy.failNext(1, Fault.LOSE_REPLY, r -> r.method().equals("POST") && r.hasParameter("uploadId"));

        retrying.put("backup/base.tar", base, PutMode.CREATE_ONLY);

        assertExactlyOneObject("backup/base.tar", base);
        try (S3Client raw = S3.server().newClient()) {
            assertThat(raw.listMultipartUploads(r -> r.bucket(EU_BUCKET).prefix(prefix)).uploads()).isEmpty();
        }
    }

    @Test
    @Timeout(60)
    void aDifferentBlobFoundAfterALostReplyIsStillAlreadyExists() {
        BlobStore retrying = openWithDefaults();
        retrying.put("wal/5", GeneratedContent.of(1000, 50), PutMode.CREATE_ONLY);
        proxy.failNext(1, Fault.RESET_MID_REQUEST, SINGLE_PUT);

        Throwable thrown = catchThrowable(() -> retrying.put("wal/5", GeneratedContent.of(1000, 51), PutMode.CREATE_ONLY));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.ALREADY_EXISTS));
    }

    @Test
    @Timeout(60)
    void aStalledServerFailsTheRequestAsTransientAfterTheTimeout() {
        BlobStore bare = openWithoutRetries("timeout=1s");
        proxy.failNext(1, Fault.STALL, r -> r.method().equals("GET"));
        Instant start = Instant.now();

        Throwable thrown = catchThrowable(() -> bare.get("wal/6"));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        assertThat(proxy.faultsPending()).isZero();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    @Timeout(60)
    void anUploadThatCannotFinishInTimeFailsAsTransient() {
        BlobStore bare = openWithoutRetries("timeout=30s", "request-timeout=2s");
        proxy.failNext(1, Fault.STALL, SINGLE_PUT);
        Instant start = Instant.now();

        Throwable thrown = catchThrowable(() -> bare.put("wal/7", GeneratedContent.of(MIB, 7), PutMode.CREATE_ONLY));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        assertThat(proxy.faultsPending()).isZero();
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(20));
        assertThat(Thread.currentThread().isInterrupted()).as("the calling thread's interrupt flag").isFalse();
    }

    private void assertExactlyOneObject(String key, GeneratedContent content) {
        assertThat(proxy.faultsPending()).as("faults not yet injected").isZero();
        try (Stream<BlobInfo> listing = store.list("")) {
            assertThat(listing.map(BlobInfo::key).toList()).isEqualTo(List.of(key));
        }
        assertThat(GeneratedContent.sha256(store.get(key))).isEqualTo(content.sha256());
    }
}
