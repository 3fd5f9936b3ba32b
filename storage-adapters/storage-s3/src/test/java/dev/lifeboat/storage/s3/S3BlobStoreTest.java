package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.GeneratedContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static dev.lifeboat.storage.s3.LocalS3Server.US_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** What the S3 store does beyond the common contract: layout in the bucket, multipart uploads, errors, paging. */
class S3BlobStoreTest {

    @RegisterExtension
    static final LocalS3 S3 = new LocalS3();

    private static final int MIB = 1024 * 1024;

    private final List<BlobStore> opened = new ArrayList<>();
    private String prefix;
    private S3Client raw;

    @BeforeEach
    void freshPrefix() {
        prefix = "s3test/" + UUID.randomUUID();
        raw = S3.server().newClient();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(BlobStore::close);
        raw.close();
    }

    private S3BlobStore openAt(String bucket, String prefix, String... options) {
        S3BlobStore store = (S3BlobStore) BlobStores.open(S3.server().uri(bucket, prefix, options));
        opened.add(store);
        return store;
    }

    private S3BlobStore open(String... options) {
        return openAt(EU_BUCKET, prefix, options);
    }

    // ---- layout ----------------------------------------------------------------------------

    @Test
    void blobsAreObjectsUnderThePrefixAndTheLocationSaysWhere() {
        S3BlobStore store = open();

        store.put("wal/00000001/seg", content("bytes"), PutMode.CREATE_ONLY);

        assertThat(rawKeys(EU_BUCKET, prefix)).containsExactly(prefix + "/wal/00000001/seg");
        assertThat(store.location()).isEqualTo("s3://" + EU_BUCKET + "/" + prefix + " (eu-west-1 at "
                + S3.server().endpoint() + ")");
        assertThat(store.capabilities().atomicCreateOnly()).isTrue();
        assertThat(store.capabilities().local()).isFalse();
    }

    @Test
    void storesUnderNeighbouringPrefixesDoNotSeeEachOther() {
        S3BlobStore a = openAt(EU_BUCKET, prefix + "/a");
        S3BlobStore ab = openAt(EU_BUCKET, prefix + "/ab");
        S3BlobStore whole = openAt(EU_BUCKET, prefix);
        a.put("k", content("of a"), PutMode.CREATE_ONLY);
        ab.put("k", content("of ab"), PutMode.CREATE_ONLY);
        ab.put("a/k", content("of ab too"), PutMode.CREATE_ONLY);

        assertThat(keys(a, "")).containsExactly("k");
        assertThat(keys(ab, "")).containsExactly("a/k", "k");
        assertThat(keys(ab, "a")).containsExactly("a/k");
        assertThat(read(a, "k")).isEqualTo("of a");
        assertThat(keys(whole, "")).containsExactly("a/k", "ab/a/k", "ab/k");
        a.delete("k");
        assertThat(ab.stat("k")).isPresent();
    }

    @Test
    void aStoreWithoutPrefixUsesTheWholeBucket() {
        S3BlobStore bucket = openAt(US_BUCKET, "");
        String key = prefix + "/blob";

        bucket.put(key, content("top"), PutMode.CREATE_ONLY);

        assertThat(rawKeys(US_BUCKET, prefix)).containsExactly(key);
        assertThat(keys(bucket, prefix + "/")).containsExactly(key);
        assertThat(bucket.location()).startsWith("s3://" + US_BUCKET + " (us-east-2 at ");
    }

    @Test
    void objectsThatNoBlobKeyCanNameAreNotListed() {
        S3BlobStore store = open();
        store.put("dir/blob", content("x"), PutMode.CREATE_ONLY);
        raw.putObject(request -> request.bucket(EU_BUCKET).key(prefix + "/dir/caf\u00e9"), RequestBody.fromString("foreign"));
        raw.putObject(request -> request.bucket(EU_BUCKET).key(prefix + "/dir/.tmp-left-by-someone"), RequestBody.fromString("x"));

        assertThat(keys(store, "")).containsExactly("dir/blob");
    }

    // ---- multipart uploads -----------------------------------------------------------------

    @Test
    @Timeout(120)
    void fortyMebibytesOfUnknownLengthGoUpInPartsWithOnePartInMemory() {
        S3BlobStore store = open();
        GeneratedContent forty = GeneratedContent.of(40L * MIB + 3, 40);

        store.put("backup/base.tar", forty.withUnknownLength(), PutMode.CREATE_ONLY);

        assertThat(GeneratedContent.sha256(store.get("backup/base.tar"))).isEqualTo(forty.sha256());
        assertThat(store.stat("backup/base.tar")).map(BlobInfo::size).contains(forty.size());
        assertThat(store.largestPartBuffer()).as("bytes held by the part buffer")
                .isEqualTo(S3Options.DEFAULTS.partSize());
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    @Timeout(120)
    void knownContentLargerThanAPartIsUploadedInPartsOfThePartSize() {
        S3BlobStore store = open("part-size=5MiB");
        GeneratedContent twelve = GeneratedContent.of(12L * MIB, 12);

        store.put("base/1", twelve, PutMode.CREATE_ONLY);

        assertThat(GeneratedContent.sha256(store.get("base/1"))).isEqualTo(twelve.sha256());
        assertThat(store.largestPartBuffer()).isEqualTo(5L * MIB);
    }

    @Test
    void smallContentOfUnknownLengthTakesLittleMemory() {
        S3BlobStore store = open();

        store.put("wal/00000002.history", GeneratedContent.of(1000, 2).withUnknownLength(), PutMode.CREATE_ONLY);

        assertThat(store.largestPartBuffer()).isLessThanOrEqualTo(256 * 1024);
        assertThat(store.stat("wal/00000002.history")).map(BlobInfo::size).contains(1000L);
    }

    @Test
    @Timeout(120)
    void contentFailingMidMultipartLeavesNoObjectAndNoPendingUpload() {
        S3BlobStore store = open("part-size=5MiB");
        IOException sourceFailure = new IOException("the source disk went away");

        Throwable thrown = catchThrowable(() -> store.put("base/broken", failingAfter(12 * MIB, sourceFailure), PutMode.CREATE_ONLY));

        assertThat(causes(thrown)).contains(sourceFailure);
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
        assertThat(store.stat("base/broken")).isEmpty();
        assertThat(rawKeys(EU_BUCKET, prefix)).isEmpty();
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    @Timeout(120)
    void createOnlyOfALargeContentOntoAnExistingKeyKeepsTheOriginalAndLeavesNoUpload() {
        S3BlobStore store = open("part-size=5MiB");
        store.put("backup.manifest", content("original"), PutMode.CREATE_ONLY);

        Throwable thrown = catchThrowable(() -> store.put("backup.manifest", GeneratedContent.of(11L * MIB, 1), PutMode.CREATE_ONLY));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.ALREADY_EXISTS));
        assertThat(read(store, "backup.manifest")).isEqualTo("original");
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    @Timeout(120)
    void writersRacingWithMultipartUploadsLeaveExactlyOneWholeWinner() throws Exception {
        S3BlobStore store = open("part-size=5MiB");
        List<GeneratedContent> contents = IntStream.range(0, 4)
                .mapToObj(i -> GeneratedContent.of(6L * MIB + i, 60 + i).withUnknownLength()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(contents.size());
        List<GeneratedContent> winners = new ArrayList<>();
        try {
            List<Future<Kind>> outcomes = new ArrayList<>();
            for (GeneratedContent content : contents) {
                outcomes.add(pool.submit(() -> {
                    try {
                        store.put("backup/base.tar", content, PutMode.CREATE_ONLY);
                        return null;
                    } catch (StorageException e) {
                        return e.kind();
                    }
                }));
            }
            for (int i = 0; i < contents.size(); i++) {
                Kind outcome = outcomes.get(i).get();
                if (outcome == null) {
                    winners.add(contents.get(i));
                } else {
                    assertThat(outcome).isEqualTo(Kind.ALREADY_EXISTS);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(winners).hasSize(1);
        assertThat(GeneratedContent.sha256(store.get("backup/base.tar"))).isEqualTo(winners.get(0).sha256());
        assertThat(pendingUploads()).isEmpty();
    }

    @Test
    @Timeout(120)
    void replaceOfALargeContentSwapsInTheWholeNewObject() {
        S3BlobStore store = open("part-size=5MiB");
        store.put("latest", content("old"), PutMode.CREATE_ONLY);
        GeneratedContent eleven = GeneratedContent.of(11L * MIB, 11);

        store.put("latest", eleven.withUnknownLength(), PutMode.REPLACE);

        assertThat(GeneratedContent.sha256(store.get("latest"))).isEqualTo(eleven.sha256());
    }

    // ---- what the store sends --------------------------------------------------------------

    @Test
    void storageClassAndEncryptionGoWithEveryUpload() throws IOException {
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(S3.server().endpoint())) {
            BlobStore store = BlobStores.open(S3.server().uri(proxy.endpoint(), EU_BUCKET, prefix,
                    "storage-class=standard_ia", "sse=AES256", "part-size=5MiB"));
            opened.add(store);

            store.put("small", content("x"), PutMode.CREATE_ONLY);
            store.put("large", GeneratedContent.of(6L * MIB, 6), PutMode.CREATE_ONLY);

            List<FaultInjectingProxy.Request> writes = proxy.requests().stream()
                    .filter(r -> r.method().equals("PUT") && !r.hasParameter("partNumber")
                            || r.method().equals("POST") && r.hasParameter("uploads"))
                    .toList();
            assertThat(writes).hasSize(2).allSatisfy(request -> {
                assertThat(request.headers()).containsEntry("x-amz-storage-class", "STANDARD_IA");
                assertThat(request.headers()).containsEntry("x-amz-server-side-encryption", "AES256");
            });
        }
    }

    // ---- errors ----------------------------------------------------------------------------

    @Test
    void aWrongSecretIsPermanentAndPointsAtTheCredentials() {
        S3BlobStore store = open();
        store.put("there", content("x"), PutMode.CREATE_ONLY);

        S3.withSecretKey("not-the-secret", () -> {
            for (ThrowingCallable call : List.<ThrowingCallable>of(
                    () -> store.put("k", content("x"), PutMode.CREATE_ONLY),
                    () -> store.get("there"),
                    () -> store.stat("there"),
                    () -> store.list("").close(),
                    () -> store.delete("there"))) {
                assertThat(catchThrowable(call)).isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                    assertThat(e.getMessage()).containsIgnoringCase("access denied").contains("credentials")
                            .contains(store.location()).doesNotContain("not-the-secret").doesNotContain("\n");
                });
            }
            return null;
        });
        assertThat(store.stat("there")).isPresent();
    }

    @Test
    void aMissingBucketIsPermanentAndNamed() {
        S3BlobStore store = openAt("lifeboat-nowhere", "repo");

        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> store.put("k", content("x"), PutMode.CREATE_ONLY),
                () -> store.put("k", GeneratedContent.of(6L * MIB, 1).withUnknownLength(), PutMode.CREATE_ONLY),
                () -> store.get("k"),
                () -> store.get("k", 10, 10),
                () -> store.stat("k"),
                () -> store.list("").close(),
                () -> store.delete("k"))) {
            assertThat(catchThrowable(call)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                assertThat(e.getMessage()).contains("bucket 'lifeboat-nowhere' does not exist");
            });
        }
    }

    @Test
    @Timeout(60)
    void anUnreachableEndpointIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BlobStore store = BlobStores.open(S3.server().uri(URI.create("http://127.0.0.1:" + closedPort), EU_BUCKET, prefix));
        opened.add(store);

        for (ThrowingCallable call : List.<ThrowingCallable>of(
                () -> store.put("k", content("x"), PutMode.CREATE_ONLY),
                () -> store.get("k"),
                () -> store.stat("k"),
                () -> store.list("").close(),
                () -> store.delete("k"))) {
            assertThat(catchThrowable(call)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
                assertThat(e.getMessage()).contains(store.location()).contains("Connection refused").doesNotContain("\n");
            });
        }
    }

    @Test
    void aUriWithCredentialsIsRefusedWithoutRepeatingThem() {
        for (String uri : List.of("s3://AKIDEXAMPLE:wJalrXUtnFEMI@" + EU_BUCKET + "/repo",
                "s3://" + EU_BUCKET + "/repo?secret-access-key=wJalrXUtnFEMI",
                "s3://" + EU_BUCKET + "/repo?endpoint=http://AKIDEXAMPLE:wJalrXUtnFEMI@127.0.0.1:9000")) {
            assertThat(catchThrowable(() -> BlobStores.open(uri))).as(uri).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                assertThat(e.getMessage()).contains("credentials are never read from the repository URI")
                        .doesNotContain("wJalrXUtnFEMI");
                assertThat(e.location()).doesNotContain("wJalrXUtnFEMI");
            });
        }
    }

    // ---- reading ---------------------------------------------------------------------------

    @Test
    void rangesOfAnEmptyBlobAreEmpty() throws IOException {
        S3BlobStore store = open();
        store.put("empty", BlobContent.of(new byte[0]), PutMode.CREATE_ONLY);

        try (InputStream in = store.get("empty", 0, 10)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
        try (InputStream in = store.get("empty", 0, 0)) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void aZeroLengthRangeOfAnAbsentBlobIsNotFound() {
        S3BlobStore store = open();

        assertThat(catchThrowable(() -> store.get("absent", 0, 0))).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    // ---- listing ---------------------------------------------------------------------------

    @Test
    @Timeout(120)
    void listingPagesThroughMoreThanAThousandKeysInOrderAndFetchesOnlyThePagesRead() throws Exception {
        List<String> expected = IntStream.range(0, 1001).mapToObj(i -> String.format("wal/%08X", i * 7919 % 1001)).sorted().toList();
        S3BlobStore writer = open();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (String key : expected) {
                puts.add(pool.submit(() -> writer.put(key, content(key), PutMode.CREATE_ONLY)));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(keys(writer, "wal/")).containsExactlyElementsOf(expected);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(S3.server().endpoint())) {
            BlobStore paged = BlobStores.open(S3.server().uri(proxy.endpoint(), EU_BUCKET, prefix, "page-size=100"));
            opened.add(paged);

            assertThat(keys(paged, "")).containsExactlyElementsOf(expected);
            assertThat(proxy.requests()).hasSize(11);

            proxy.clearRequests();
            try (Stream<BlobInfo> listing = paged.list("wal/")) {
                assertThat(listing.limit(150).map(BlobInfo::key).toList()).isEqualTo(expected.subList(0, 150));
            }
            assertThat(proxy.requests()).as("list requests for 150 keys in pages of 100").hasSize(2);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private List<MultipartUpload> pendingUploads() {
        return raw.listMultipartUploads(request -> request.bucket(EU_BUCKET).prefix(prefix)).uploads();
    }

    private List<String> rawKeys(String bucket, String under) {
        return raw.listObjectsV2(request -> request.bucket(bucket).prefix(under + "/")).contents().stream()
                .map(S3Object::key).toList();
    }

    private static List<String> keys(BlobStore store, String prefix) {
        try (Stream<BlobInfo> listing = store.list(prefix)) {
            return listing.map(BlobInfo::key).toList();
        }
    }

    private static String read(BlobStore store, String key) {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BlobContent content(String text) {
        return BlobContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Content of unknown length that yields {@code good} bytes, then throws {@code failure}. */
    private static BlobContent failingAfter(int good, IOException failure) {
        return () -> new InputStream() {
            private int given;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (given == good) {
                    throw failure;
                }
                int n = Math.min(length, good - given);
                Arrays.fill(buffer, offset, offset + n, (byte) 'x');
                given += n;
                return n;
            }
        };
    }

    private static List<Throwable> causes(Throwable thrown) {
        List<Throwable> all = new ArrayList<>();
        for (Throwable t = thrown; t != null && !all.contains(t); t = t.getCause()) {
            all.add(t);
            all.addAll(Arrays.asList(t.getSuppressed()));
        }
        return all;
    }
}
