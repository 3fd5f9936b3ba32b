package dev.lifeboat.storage;

import dev.lifeboat.storage.StorageException.Kind;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The contract of {@link BlobStore}, run against every adapter: a test class extends this one
 * and says how to make a fresh, empty store. Tests that need a capability the store does not
 * declare are skipped by an assumption, not failed.
 *
 * <p>Every content the suite gives a store is tracked: a test fails when the store leaves a
 * content stream open. Keys and prefixes the suite considers invalid must be refused with an
 * {@link IllegalArgumentException} (see {@link BlobKeys}).
 */
public abstract class BlobStoreConformanceTest {

    /** A new, empty store; it is closed after each test. */
    protected abstract BlobStore newStore();

    protected BlobStore store;

    private final List<TrackedStream> contentStreams = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStoreAndCheckStreams() {
        store.close();
        List<TrackedStream> open;
        synchronized (contentStreams) {
            open = contentStreams.stream().filter(stream -> !stream.closed).toList();
        }
        assertThat(open).as("content streams the store opened and never closed").isEmpty();
    }

    // ---- put and get ---------------------------------------------------------------------

    @Test
    void anEmptyBlobRoundTrips() {
        store.put("empty", tracked(BlobContent.of(new byte[0])), PutMode.CREATE_ONLY);

        assertThat(read("empty")).isEmpty();
        assertThat(store.stat("empty")).map(BlobInfo::size).contains(0L);
    }

    @ParameterizedTest(name = "length known: {0}")
    @ValueSource(booleans = {true, false})
    void aSmallBlobRoundTrips(boolean lengthKnown) {
        byte[] bytes = "000000010000000000000001 archived".getBytes(StandardCharsets.US_ASCII);

        store.put("wal/small", tracked(contentOf(bytes, lengthKnown)), PutMode.CREATE_ONLY);

        assertThat(read("wal/small")).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "length known: {0}")
    @ValueSource(booleans = {true, false})
    @Timeout(120)
    void aTwentyMebibyteBlobRoundTrips(boolean lengthKnown) {
        GeneratedContent known = GeneratedContent.of(20L * 1024 * 1024 + 17, 20);
        BlobContent content = lengthKnown ? known : known.withUnknownLength();

        store.put("backup/20260101T000000F/base.tar", tracked(content), PutMode.CREATE_ONLY);

        assertThat(GeneratedContent.sha256(store.get("backup/20260101T000000F/base.tar"))).isEqualTo(known.sha256());
        assertThat(store.stat("backup/20260101T000000F/base.tar")).map(BlobInfo::size).contains(known.size());
    }

    @Test
    void createOnlyRefusesAnExistingKeyAndKeepsTheOriginal() {
        store.put("backup.manifest", tracked(content("original")), PutMode.CREATE_ONLY);

        assertThat(kindOf(() -> store.put("backup.manifest", tracked(content("impostor")), PutMode.CREATE_ONLY)))
                .isEqualTo(Kind.ALREADY_EXISTS);
        assertThat(read("backup.manifest")).isEqualTo(utf8("original"));
    }

    @Test
    void replaceSwapsInTheWholeNewBlob() {
        store.put("latest", tracked(GeneratedContent.of(300_000, 1)), PutMode.CREATE_ONLY);

        store.put("latest", tracked(content("short")), PutMode.REPLACE);

        assertThat(read("latest")).isEqualTo(utf8("short"));
        assertThat(store.stat("latest")).map(BlobInfo::size).contains(5L);
    }

    @Test
    void replaceCreatesABlobThatIsNotThereYet() {
        store.put("a/b/new", tracked(content("fresh")), PutMode.REPLACE);

        assertThat(read("a/b/new")).isEqualTo(utf8("fresh"));
    }

    @Test
    @Timeout(120)
    void eightWritersRacingForOneKeyLeaveExactlyOneWholeWinner() throws Exception {
        assumeThat(store.capabilities().atomicCreateOnly()).as("store decides CREATE_ONLY atomically").isTrue();
        int writers = 8;
        List<GeneratedContent> contents = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            contents.add(GeneratedContent.of(1024 * 1024 + i, 100 + i).withUnknownLength());
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Kind>> outcomes = new ArrayList<>();
            for (GeneratedContent content : contents) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.put("wal/race", tracked(content), PutMode.CREATE_ONLY);
                        return null;
                    } catch (StorageException e) {
                        return e.kind();
                    }
                }));
            }
            start.countDown();
            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Kind outcome = outcomes.get(i).get(60, TimeUnit.SECONDS);
                if (outcome == null) {
                    winners.add(i);
                } else {
                    assertThat(outcome).as("outcome of writer %d", i).isEqualTo(Kind.ALREADY_EXISTS);
                }
            }
            assertThat(winners).hasSize(1);
            GeneratedContent winner = contents.get(winners.get(0));
            assertThat(GeneratedContent.sha256(store.get("wal/race"))).isEqualTo(winner.sha256());
            assertThat(store.stat("wal/race")).map(BlobInfo::size).contains(winner.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PutMode.class)
    void contentThatFailsMidwayLeavesNoBlobAndTheErrorReachesTheCaller(PutMode mode) {
        IOException sourceFailure = new IOException("disk of the source went away");

        Throwable thrown = catchThrowable(() -> store.put("wal/broken", tracked(failingAfter(200_000, sourceFailure)), mode));

        assertThat(causes(thrown)).as("causes of %s", thrown).contains(sourceFailure);
        assertThat(store.stat("wal/broken")).isEmpty();
        assertThat(keys("")).isEmpty();
    }

    @Test
    void contentThatThrowsAnUncheckedExceptionMidwayLeavesNoBlob() {
        IllegalStateException sourceFailure = new IllegalStateException("compressor failed");

        Throwable thrown = catchThrowable(() -> store.put("wal/broken", tracked(failingAfter(10, sourceFailure)), PutMode.CREATE_ONLY));

        assertThat(causes(thrown)).contains(sourceFailure);
        assertThat(keys("")).isEmpty();
    }

    @Test
    void aFailedReplaceKeepsThePreviousBlob() {
        store.put("latest", tracked(content("previous")), PutMode.CREATE_ONLY);

        catchThrowable(() -> store.put("latest", tracked(failingAfter(100_000, new IOException("boom"))), PutMode.REPLACE));

        assertThat(read("latest")).isEqualTo(utf8("previous"));
        assertThat(keys("")).containsExactly("latest");
    }

    @ParameterizedTest(name = "declared {0}, gives 10")
    @ValueSource(longs = {9, 11, 1_000})
    void contentThatGivesOtherThanItsDeclaredLengthIsRefused(long declared) {
        byte[] ten = "0123456789".getBytes(StandardCharsets.US_ASCII);
        BlobContent lying = new BlobContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(ten);
            }

            @Override
            public long length() {
                return declared;
            }
        };

        assertThat(kindOf(() -> store.put("lying", tracked(lying), PutMode.CREATE_ONLY))).isEqualTo(Kind.PERMANENT);
        assertThat(store.stat("lying")).isEmpty();
    }

    @Test
    void keysWithPunctuationRoundTrip() {
        List<String> keys = List.of("odd/a b", "odd/a+b=c,d", "odd/x@y~z!", "odd/100%", "odd/(1)[2]{3}", "odd/quote'\"",
                "odd/..dots", "odd/trailing.", "odd/tilde~/colon:semicolon;", "odd/#hash?query&amp");
        for (String key : keys) {
            store.put(key, tracked(content(key)), PutMode.CREATE_ONLY);
        }

        for (String key : keys) {
            assertThat(read(key)).as(key).isEqualTo(utf8(key));
        }
        assertThat(keys("odd/")).containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    @Test
    void aReadingStreamMayBeClosedBeforeTheEnd() throws IOException {
        store.put("big", tracked(GeneratedContent.of(1_000_000, 3)), PutMode.CREATE_ONLY);

        try (InputStream in = store.get("big")) {
            assertThat(in.readNBytes(10)).hasSize(10);
        }

        store.put("big", tracked(content("replaced")), PutMode.REPLACE);
        assertThat(read("big")).isEqualTo(utf8("replaced"));
        store.delete("big");
        assertThat(store.stat("big")).isEmpty();
    }

    // ---- ranged get ----------------------------------------------------------------------

    @ParameterizedTest(name = "offset {0}, length {1} -> bytes {2}..{3}")
    @CsvSource({
            "0, 100, 0, 100",       // start
            "400, 200, 400, 600",   // middle
            "900, 500, 900, 1000",  // runs past the end: cut short
            "0, 1000, 0, 1000",     // exactly all
            "0, 9223372036854775807, 0, 1000", // "the rest"
            "1000, 10, 1000, 1000", // at the end: nothing
            "5000, 10, 1000, 1000", // past the end: nothing
            "500, 0, 500, 500",     // zero length
    })
    void rangedGetReturnsTheRequestedBytes(long offset, long length, int from, int to) throws IOException {
        byte[] all = GeneratedContent.of(1000, 7).bytes();
        store.put("segment", tracked(BlobContent.of(all)), PutMode.CREATE_ONLY);

        try (InputStream in = store.get("segment", offset, length)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(all, from, to));
        }
    }

    @Test
    void rangedGetOfAnAbsentBlobIsNotFound() {
        assertThat(kindOf(() -> store.get("absent", 0, 10))).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void negativeRangesAreRejected() {
        store.put("segment", tracked(content("abc")), PutMode.CREATE_ONLY);

        assertThatThrownBy(() -> store.get("segment", -1, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get("segment", 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- stat ----------------------------------------------------------------------------

    @Test
    void statTellsSizeAndTimeOfAStoredBlob() {
        Instant before = Instant.now();
        store.put("wal/000000010000000000000001", tracked(GeneratedContent.of(12_345, 1)), PutMode.CREATE_ONLY);

        Optional<BlobInfo> info = store.stat("wal/000000010000000000000001");

        assertThat(info).isPresent();
        assertThat(info.get().key()).isEqualTo("wal/000000010000000000000001");
        assertThat(info.get().size()).isEqualTo(12_345);
        // Stores round times (S3 to seconds); a generous window still catches a wrong epoch or zone.
        assertThat(info.get().lastModified()).isBetween(before.minus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)));
    }

    @Test
    void statOfAnAbsentBlobIsEmpty() {
        assertThat(store.stat("absent")).isEmpty();
        assertThat(store.stat("no/such/directory/blob")).isEmpty();
    }

    @Test
    void statOfADirectoryOfKeysIsEmpty() {
        store.put("dir/blob", tracked(content("x")), PutMode.CREATE_ONLY);

        assertThat(store.stat("dir")).isEmpty();
        assertThat(kindOf(() -> store.get("dir"))).isEqualTo(Kind.NOT_FOUND);
    }

    // ---- list ----------------------------------------------------------------------------

    @Test
    void listIsInByteOrderOfTheKeys() {
        // '-' < '.' < '/' < '0' < 'B' < '_' < 'a': a directory must not sort by its bare name
        List<String> keys = List.of("k/a0", "k/a/2/z", "k/B", "k/a-1", "k/a_", "k/ab", "k/a/1", "k/a.b", "k/b", "k/A");
        for (String key : keys) {
            store.put(key, tracked(content(key)), PutMode.CREATE_ONLY);
        }

        assertThat(keys("")).containsExactly("k/A", "k/B", "k/a-1", "k/a.b", "k/a/1", "k/a/2/z", "k/a0", "k/a_", "k/ab", "k/b");
    }

    @Test
    void aPrefixEndingInTheMiddleOfANameListsOnlyThoseNames() {
        String timeline = "wal/00000001/0000000100000000/";
        for (String name : List.of("000000010000000000000002-aaaa.zst", "000000010000000000000003-bbbb.zst",
                "000000010000000000000003-cccc.zst", "000000010000000000000003.00000028.backup",
                "0000000100000000000000030-dddd.zst", "000000010000000000000004-eeee.zst")) {
            store.put(timeline + name, tracked(content(name)), PutMode.CREATE_ONLY);
        }

        assertThat(keys(timeline + "000000010000000000000003-"))
                .containsExactly(timeline + "000000010000000000000003-bbbb.zst", timeline + "000000010000000000000003-cccc.zst");
    }

    @Test
    void nestedPrefixesListTheirSubtrees() {
        for (String key : List.of("a/b/c/1", "a/b/c/2", "a/b/d", "a/bc/1", "a/e", "ab/1", "z")) {
            store.put(key, tracked(content(key)), PutMode.CREATE_ONLY);
        }

        assertThat(keys("a/b/c/")).containsExactly("a/b/c/1", "a/b/c/2");
        assertThat(keys("a/b/")).containsExactly("a/b/c/1", "a/b/c/2", "a/b/d");
        assertThat(keys("a/b")).containsExactly("a/b/c/1", "a/b/c/2", "a/b/d", "a/bc/1");
        assertThat(keys("a/")).containsExactly("a/b/c/1", "a/b/c/2", "a/b/d", "a/bc/1", "a/e");
        assertThat(keys("a")).containsExactly("a/b/c/1", "a/b/c/2", "a/b/d", "a/bc/1", "a/e", "ab/1");
        assertThat(keys("a/e")).containsExactly("a/e");
    }

    @Test
    void theEmptyPrefixListsEverything() {
        for (String key : List.of("z", "a/b/c", "m/n")) {
            store.put(key, tracked(content(key)), PutMode.CREATE_ONLY);
        }

        assertThat(keys("")).containsExactly("a/b/c", "m/n", "z");
    }

    @Test
    void anAbsentPrefixListsNothing() {
        store.put("wal/1", tracked(content("1")), PutMode.CREATE_ONLY);

        assertThat(keys("backup/")).isEmpty();
        assertThat(keys("no/such/deep/prefix/")).isEmpty();
        assertThat(keys("wal/2")).isEmpty();
        assertThat(keys("wal/1/")).isEmpty();
    }

    @Test
    void anEmptyStoreListsNothing() {
        assertThat(keys("")).isEmpty();
    }

    @Test
    void listTellsTheSizes() {
        store.put("s/one", tracked(GeneratedContent.of(1, 1)), PutMode.CREATE_ONLY);
        store.put("s/many", tracked(GeneratedContent.of(70_000, 2).withUnknownLength()), PutMode.CREATE_ONLY);

        try (Stream<BlobInfo> listing = store.list("s/")) {
            assertThat(listing.toList()).extracting(BlobInfo::key, BlobInfo::size)
                    .containsExactly(tuple("s/many", 70_000L), tuple("s/one", 1L));
        }
    }

    // ---- delete --------------------------------------------------------------------------

    @Test
    void aDeletedBlobIsGone() {
        store.put("old/backup", tracked(content("x")), PutMode.CREATE_ONLY);

        store.delete("old/backup");

        assertThat(kindOf(() -> store.get("old/backup"))).isEqualTo(Kind.NOT_FOUND);
        assertThat(store.stat("old/backup")).isEmpty();
        assertThat(keys("")).isEmpty();
    }

    @Test
    void deletingAnAbsentBlobIsFine() {
        store.delete("never/stored");
        store.put("once", tracked(content("x")), PutMode.CREATE_ONLY);
        store.delete("once");
        store.delete("once");

        assertThat(keys("")).isEmpty();
    }

    @Test
    void aKeyCanBeStoredAgainAfterItsDirectoryWasEmptied() {
        store.put("wal/00000002/seg", tracked(content("first")), PutMode.CREATE_ONLY);
        store.delete("wal/00000002/seg");

        store.put("wal/00000002/seg", tracked(content("second")), PutMode.CREATE_ONLY);
        store.put("wal/00000002/other", tracked(content("other")), PutMode.CREATE_ONLY);

        assertThat(read("wal/00000002/seg")).isEqualTo(utf8("second"));
        assertThat(keys("wal/")).containsExactly("wal/00000002/other", "wal/00000002/seg");
    }

    @Test
    void deletingOneBlobLeavesItsNeighbours() {
        for (String key : List.of("d/1", "d/2", "d/sub/3")) {
            store.put(key, tracked(content(key)), PutMode.CREATE_ONLY);
        }

        store.delete("d/sub/3");
        store.delete("d/1");

        assertThat(keys("")).containsExactly("d/2");
    }

    // ---- errors --------------------------------------------------------------------------

    @Test
    void getOfAnAbsentBlobIsNotFoundNeverTransient() {
        Throwable thrown = catchThrowable(() -> store.get("wal/000000010000000000000009"));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.key()).isEqualTo("wal/000000010000000000000009");
            assertThat(e.location()).isEqualTo(store.location());
            assertThat(e.getMessage()).contains("wal/000000010000000000000009").doesNotContain("\n");
        });
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "../x", "/abs", "a//b", "a/./b", "a/../b", ".", "..", "a/", "a/b/", "tab\there",
            "new\nline", "caf\u00e9", "a/.tmp-reserved"})
    void invalidKeysAreRefusedWithIllegalArgumentException(String key) {
        BlobContent content = content("x");

        assertThatThrownBy(() -> store.put(key, content, PutMode.CREATE_ONLY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put(key, content, PutMode.REPLACE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(key, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.stat(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(keys("")).isEmpty();
    }

    @Test
    void aTooLongKeyIsRefused() {
        assertThatThrownBy(() -> store.put("k/" + "x".repeat(256), content("x"), PutMode.CREATE_ONLY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.stat("k/".repeat(513))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"/", "/abs", "a//", "../", "a/../", "./x", "caf\u00e9"})
    void invalidPrefixesAreRefusedWithIllegalArgumentException(String prefix) {
        assertThatThrownBy(() -> store.list(prefix).close()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStoreDescribesItself() {
        assertThat(store.location()).isNotBlank();
        assertThat(store.capabilities()).isNotNull();
        assertThat(store.capabilities().concurrency()).isPositive();
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Content whose every stream is tracked, so that a leak fails the test. */
    protected final BlobContent tracked(BlobContent content) {
        return new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                TrackedStream stream = new TrackedStream(content.open());
                contentStreams.add(stream);
                return stream;
            }

            @Override
            public long length() {
                return content.length();
            }
        };
    }

    protected static BlobContent content(String text) {
        return BlobContent.of(utf8(text));
    }

    protected static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The whole blob, read through a stream that is closed. */
    protected final byte[] read(String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The keys listed under the prefix, through a stream that is closed. */
    protected final List<String> keys(String prefix) {
        try (Stream<BlobInfo> listing = store.list(prefix)) {
            return listing.map(BlobInfo::key).toList();
        }
    }

    /** The kind of the StorageException the call throws; fails if it throws anything else or nothing. */
    protected static Kind kindOf(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(StorageException.class);
        return ((StorageException) thrown).kind();
    }

    /** Content that yields {@code good} bytes, then throws {@code failure}. */
    protected static BlobContent failingAfter(int good, Exception failure) {
        return () -> new InputStream() {
            private int given;

            @Override
            public int read() throws IOException {
                if (given == good) {
                    throwIt(failure);
                }
                given++;
                return 'x';
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (given == good) {
                    throwIt(failure);
                }
                int n = Math.min(length, good - given);
                Arrays.fill(buffer, offset, offset + n, (byte) 'x');
                given += n;
                return n;
            }
        };
    }

    private static void throwIt(Exception failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        throw (RuntimeException) failure;
    }

    /** The throwable, its causes and what they suppressed. */
    protected static List<Throwable> causes(Throwable thrown) {
        List<Throwable> all = new ArrayList<>();
        List<Throwable> todo = new ArrayList<>();
        if (thrown != null) {
            todo.add(thrown);
        }
        while (!todo.isEmpty()) {
            Throwable next = todo.remove(0);
            if (all.contains(next)) {
                continue;
            }
            all.add(next);
            if (next.getCause() != null) {
                todo.add(next.getCause());
            }
            todo.addAll(List.of(next.getSuppressed()));
        }
        return all;
    }

    private static BlobContent contentOf(byte[] bytes, boolean lengthKnown) {
        BlobContent known = BlobContent.of(bytes);
        return lengthKnown ? known : known::open;
    }

    private static final class TrackedStream extends FilterInputStream {
        volatile boolean closed;

        TrackedStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
