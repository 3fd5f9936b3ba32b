package dev.lifeboat.storage;

import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import dev.lifeboat.storage.memory.InMemoryBlobStore.Operation;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class RetryingBlobStoreTest {

    private final InMemoryBlobStore memory = new InMemoryBlobStore("flaky");
    private final List<Duration> sleeps = new ArrayList<>();
    private double jitter = 0.5;
    private final RetryingBlobStore store = new RetryingBlobStore(memory, RetryPolicy.DEFAULT, sleeps::add, () -> jitter);

    @Test
    void transientFailuresOfAPutAreRetriedUntilItLands() throws IOException {
        memory.failNext(Operation.PUT, Kind.TRANSIENT, 3);

        store.put("wal/seg", content("segment"), PutMode.CREATE_ONLY);

        assertThat(read("wal/seg")).isEqualTo("segment");
        assertThat(memory.calls(Operation.PUT)).isEqualTo(4);
        assertThat(sleeps).hasSize(3);
    }

    @Test
    void everyAttemptReadsTheContentAfresh() throws IOException {
        AtomicInteger opens = new AtomicInteger();
        BlobContent counted = () -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream("segment".getBytes(StandardCharsets.US_ASCII));
        };
        memory.loseNextReplies(Operation.PUT, 2); // each attempt reads and stores, then "loses the reply"

        store.put("wal/seg", counted, PutMode.REPLACE);

        assertThat(opens).hasValue(3);
        assertThat(read("wal/seg")).isEqualTo("segment");
    }

    @Test
    void transientFailuresOfReadsListsAndDeletesAreRetried() throws IOException {
        memory.put("k", content("v"), PutMode.CREATE_ONLY);
        for (Operation operation : List.of(Operation.GET, Operation.STAT, Operation.LIST, Operation.DELETE)) {
            memory.failNext(operation, Kind.TRANSIENT, 2);
        }

        assertThat(read("k")).isEqualTo("v");
        assertThat(store.stat("k")).isPresent();
        try (Stream<BlobInfo> listing = store.list("")) {
            assertThat(listing.map(BlobInfo::key)).containsExactly("k");
        }
        store.delete("k");

        assertThat(memory.stat("k")).isEmpty();
        assertThat(sleeps).hasSize(8);
    }

    @Test
    void rangedGetsAreRetriedToo() throws IOException {
        memory.put("k", content("0123456789"), PutMode.CREATE_ONLY);
        memory.failNext(Operation.GET, Kind.TRANSIENT, 1);

        try (InputStream in = store.get("k", 3, 4)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("3456");
        }
    }

    @Test
    void answersAreNeverRetried() {
        memory.failNext(Operation.PUT, Kind.PERMANENT, 1);
        assertThat(kindOf(() -> store.put("k", content("v"), PutMode.CREATE_ONLY))).isEqualTo(Kind.PERMANENT);

        assertThat(kindOf(() -> store.get("absent"))).isEqualTo(Kind.NOT_FOUND);

        memory.put("exists", content("v"), PutMode.CREATE_ONLY);
        assertThat(kindOf(() -> store.put("exists", content("v"), PutMode.CREATE_ONLY))).isEqualTo(Kind.ALREADY_EXISTS);

        assertThat(memory.calls(Operation.PUT)).isEqualTo(3);
        assertThat(memory.calls(Operation.GET)).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anUnreadableContentIsNotRetried() {
        BlobContent broken = () -> {
            throw new IOException("source file vanished");
        };

        assertThat(kindOf(() -> store.put("k", broken, PutMode.CREATE_ONLY))).isEqualTo(Kind.PERMANENT);
        assertThat(memory.calls(Operation.PUT)).isEqualTo(1);
    }

    @Test
    void attemptsAreBoundedAndTheOutageStaysTransient() {
        memory.failWhen((operation, key) -> true, Kind.TRANSIENT);

        Throwable thrown = catchThrowable(() -> store.get("wal/000000010000000000000001"));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            // restore_command must see an outage, never "not found"
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("gave up after 5 attempts").contains("wal/000000010000000000000001");
            assertThat(e.location()).isEqualTo("mem://flaky");
        });
        assertThat(memory.calls(Operation.GET)).isEqualTo(5);
        assertThat(sleeps).hasSize(4);
    }

    @Test
    void waitsGrowExponentiallyUpToTheCapWithFullJitter() {
        RetryPolicy policy = new RetryPolicy(7, Duration.ofMillis(200), Duration.ofSeconds(1));
        jitter = 0.999_999;
        RetryingBlobStore patient = new RetryingBlobStore(memory, policy, sleeps::add, () -> jitter);
        memory.failWhen((operation, key) -> true, Kind.TRANSIENT);

        catchThrowable(() -> patient.stat("k"));

        assertThat(sleeps).extracting(Duration::toMillis).containsExactly(199L, 399L, 799L, 999L, 999L, 999L);
        sleeps.clear();
        jitter = 0.0;
        catchThrowable(() -> patient.stat("k"));
        assertThat(sleeps).containsOnly(Duration.ZERO);
    }

    @Test
    void theDefaultPolicyIsFiveAttemptsFrom200MillisecondsUpTo10Seconds() {
        assertThat(RetryPolicy.DEFAULT).isEqualTo(new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10)));
        assertThat(RetryPolicy.DEFAULT.delayCap(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(RetryPolicy.DEFAULT.delayCap(4)).isEqualTo(Duration.ofMillis(1600));
        assertThat(RetryPolicy.DEFAULT.delayCap(100)).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofMillis(-1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCreateOnlyWhoseFirstReplyWasLostSucceedsWhenTheStoredBlobIsItsOwn() throws IOException {
        memory.loseNextReplies(Operation.PUT, 1);

        store.put("wal/seg", content("segment"), PutMode.CREATE_ONLY);

        assertThat(read("wal/seg")).isEqualTo("segment");
        assertThat(memory.calls(Operation.PUT)).isEqualTo(2);
    }

    @Test
    void aCreateOnlyAfterATransientFailureStillRefusesSomeoneElsesBlob() throws IOException {
        memory.put("wal/seg", content("another cluster's segment"), PutMode.CREATE_ONLY);
        memory.failNext(Operation.PUT, Kind.TRANSIENT, 1);

        assertThat(kindOf(() -> store.put("wal/seg", content("segment"), PutMode.CREATE_ONLY))).isEqualTo(Kind.ALREADY_EXISTS);
        assertThat(read("wal/seg")).isEqualTo("another cluster's segment");
    }

    @Test
    void aCreateOnlyAfterATransientFailureRefusesABlobThatOnlyStartsLikeItsContent() {
        memory.put("wal/seg", content("segment plus more"), PutMode.CREATE_ONLY);
        memory.failNext(Operation.PUT, Kind.TRANSIENT, 1);

        assertThat(kindOf(() -> store.put("wal/seg", content("segment"), PutMode.CREATE_ONLY))).isEqualTo(Kind.ALREADY_EXISTS);
    }

    @Test
    void aCreateOnlyThatFindsAnIdenticalBlobOnItsFirstAttemptStillReportsIt() {
        // Without an earlier failed attempt the blob cannot be ours: the caller decides what an
        // identical re-push means (for WAL: fine), not the retry layer.
        memory.put("wal/seg", content("segment"), PutMode.CREATE_ONLY);

        assertThat(kindOf(() -> store.put("wal/seg", content("segment"), PutMode.CREATE_ONLY))).isEqualTo(Kind.ALREADY_EXISTS);
    }

    @Test
    void anInterruptStopsTheWaitingAndKeepsTheInterruptFlag() {
        RetryingBlobStore interrupted = new RetryingBlobStore(memory, RetryPolicy.DEFAULT, duration -> {
            throw new InterruptedException();
        }, () -> 0.5);
        memory.failWhen((operation, key) -> true, Kind.TRANSIENT);

        try {
            assertThat(kindOf(() -> interrupted.stat("k"))).isEqualTo(Kind.TRANSIENT);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(memory.calls(Operation.STAT)).isEqualTo(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void openWithDefaultsWrapsTheAdapterInTheDefaultRetry() {
        try (BlobStore opened = BlobStores.openWithDefaults("mem://defaults")) {
            assertThat(opened).isInstanceOfSatisfying(RetryingBlobStore.class,
                    retrying -> assertThat(retrying.policy()).isEqualTo(RetryPolicy.DEFAULT));
            assertThat(opened.location()).isEqualTo("mem://defaults");
            assertThat(opened.capabilities()).isEqualTo(memory.capabilities());
        } finally {
            InMemoryBlobStore.forgetAllNamed();
        }
    }

    private static BlobContent content(String text) {
        return BlobContent.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private String read(String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Kind kindOf(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(StorageException.class);
        return ((StorageException) thrown).kind();
    }
}
