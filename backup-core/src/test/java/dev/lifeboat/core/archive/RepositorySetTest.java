package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore.Operation;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * wal-push into several repositories: done only once every required one has the file; the
 * others get it directly when they can and through a queue when they cannot.
 */
@Timeout(60)
class RepositorySetTest {

    @TempDir
    Path temp;

    private final Map<String, BlobStore> stores = new HashMap<>();
    private final InMemoryBlobStore eu = store("eu");
    private final InMemoryBlobStore us = store("us");
    private final InMemoryBlobStore ap = store("ap");
    private final CountDownLatch stallReleased = new CountDownLatch(1);
    private RepositorySet set;

    private InMemoryBlobStore store(String name) {
        InMemoryBlobStore store = new InMemoryBlobStore(name);
        Repository.initialize(store, descriptor("7441"));
        stores.put(name, store);
        return store;
    }

    @AfterEach
    void close() {
        stallReleased.countDown();
        if (set != null) {
            set.close();
        }
    }

    private RepositorySet set(Clock clock, RepositoryConfig... members) {
        set = new RepositorySet(List.of(members), stores::get, Duration.ofMillis(300), Duration.ofSeconds(30), clock);
        return set;
    }

    private RepositorySet set(RepositoryConfig... members) {
        return set(Clock.systemUTC(), members);
    }

    private static RepositoryConfig required(String name) {
        return new RepositoryConfig(name, name, true, Map.of());
    }

    private static RepositoryConfig optional(String name) {
        return new RepositoryConfig(name, name, false, Map.of());
    }

    @Test
    void aSegmentIsStoredInEveryRequiredRepositoryBeforeThePushReturns() throws IOException {
        set(required("eu"), required("us"));

        assertThat(push("000000010000000000000003", "segment 3")).isEqualTo(WalArchive.PushOutcome.STORED);

        assertThat(archived(eu, "000000010000000000000003")).isTrue();
        assertThat(archived(us, "000000010000000000000003")).isTrue();
        assertThat(push("000000010000000000000003", "segment 3")).isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);
    }

    @Test
    void aRequiredRepositoryThatFailsFailsThePushAndSaysWhich() {
        set(required("eu"), required("us"));
        us.failWhen((op, key) -> op == Operation.PUT, Kind.PERMANENT);

        assertThatThrownBy(() -> push("000000010000000000000003", "segment 3"))
                .hasMessageContaining("repository us");
        assertThat(archived(us, "000000010000000000000003")).isFalse();
    }

    @Test
    void aRepositoryThatIsNotRequiredGetsTheSegmentDirectlyWhenItCan() throws IOException {
        set(required("eu"), optional("us"));

        push("000000010000000000000003", "segment 3");

        assertThat(archived(us, "000000010000000000000003")).isTrue();
        assertThat(markers(eu, "us")).isEmpty();
        assertThat(set.warnings()).isEmpty();
    }

    @Test
    void whenItFailsTheSegmentIsQueuedInTheFirstRequiredRepositoryAndThePushStillSucceeds() throws IOException {
        set(required("eu"), optional("us"));
        us.failWhen((op, key) -> op == Operation.PUT, Kind.TRANSIENT);

        assertThat(push("000000010000000000000003", "segment 3")).isEqualTo(WalArchive.PushOutcome.STORED);

        assertThat(archived(eu, "000000010000000000000003")).isTrue();
        assertThat(markers(eu, "us")).singleElement().asString().startsWith("queue/us/wal/000000010000000000000003-");
        assertThat(set.warnings()).singleElement().asString()
                .contains("000000010000000000000003 queued for repository us in repository eu");
    }

    @Test
    void aStallingRepositoryCostsThePushOnlyTheOptionalWait() throws IOException {
        stores.put("stalled", new ForwardingBlobStore(store("stalled-inner")) {
            @Override
            public void put(String key, BlobContent content, PutMode mode) {
                try {
                    stallReleased.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.put(key, content, mode);
            }
        });
        set(required("eu"), optional("stalled"));

        long start = System.nanoTime();
        push("000000010000000000000003", "segment 3");

        assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
        assertThat(markers(eu, "stalled")).hasSize(1);
    }

    @Test
    void aRepositoryThatIsBehindIsNotTriedForEverySegmentButCaughtUpFromTheQueue() throws IOException {
        MutableClock clock = new MutableClock();
        us.failWhen((op, key) -> op == Operation.PUT, Kind.TRANSIENT);
        set(clock, required("eu"), optional("us"));
        push("000000010000000000000003", "segment 3");
        set.close();

        // The next wal-push (a new process) finds the queue: it queues at once, and does not try
        // again within the catch-up interval.
        set(clock, required("eu"), optional("us"));
        int putsBefore = us.calls(Operation.PUT);
        push("000000010000000000000004", "segment 4");
        assertThat(us.calls(Operation.PUT)).isEqualTo(putsBefore);
        assertThat(markers(eu, "us")).hasSize(2);
        set.close();

        // The region is back; a wal-push after the interval copies the whole queue over.
        us.clearFaults();
        clock.advance(Duration.ofSeconds(31));
        set(clock, required("eu"), optional("us"));
        push("000000010000000000000005", "segment 5");

        assertThat(markers(eu, "us")).isEmpty();
        for (String segment : List.of("000000010000000000000003", "000000010000000000000004", "000000010000000000000005")) {
            assertThat(archived(us, segment)).as(segment).isTrue();
        }
    }

    @Test
    void catchUpCopiesTheQueueVerifiedAndUnqueuesWhatIsThereAlready() throws IOException {
        us.failWhen((op, key) -> op == Operation.PUT, Kind.TRANSIENT);
        set(required("eu"), optional("us"));
        push("000000010000000000000003", "segment 3");
        push("000000010000000000000004", "segment 4");
        us.clearFaults();
        Path segment4 = file("000000010000000000000004", "segment 4");
        Repository.open(us).wal().push("000000010000000000000004", segment4, ObjectCodec.sha256(segment4), null);

        WalCatchUpQueue.Drained drained = set.catchUp("us", Duration.ofSeconds(10)).orElseThrow();

        assertThat(drained.copied()).isEqualTo(1);
        assertThat(drained.alreadyThere()).isEqualTo(1);
        assertThat(drained.complete()).isTrue();
        assertThat(markers(eu, "us")).isEmpty();
        assertThat(archived(us, "000000010000000000000003")).isTrue();
    }

    @Test
    void aCorruptQueuedFileStaysQueuedAndIsReported() throws IOException {
        us.failWhen((op, key) -> op == Operation.PUT, Kind.TRANSIENT);
        set(required("eu"), optional("us"));
        push("000000010000000000000003", "segment 3");
        us.clearFaults();
        ArchivedWal stored = Repository.open(eu).wal().find("000000010000000000000003").orElseThrow();
        eu.put(stored.key(), BlobContent.of("not zstd at all".getBytes()), PutMode.REPLACE);

        WalCatchUpQueue.Drained drained = set.catchUp("us", Duration.ofSeconds(10)).orElseThrow();

        assertThat(drained.complete()).isFalse();
        assertThat(drained.problems()).singleElement().asString().contains("corrupt");
        assertThat(archived(us, "000000010000000000000003")).isFalse();
        assertThat(markers(eu, "us")).hasSize(1);
    }

    @Test
    void repositoriesOfDifferentClustersAreRefused() {
        InMemoryBlobStore other = new InMemoryBlobStore("other");
        Repository.initialize(other, descriptor("9999"));
        stores.put("other", other);
        set(required("eu"), required("other"));

        assertThatThrownBy(() -> push("000000010000000000000003", "segment 3"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
                    assertThat(e.getMessage()).contains("belongs to cluster");
                });
    }

    @Test
    void aSetWithoutARequiredRepositoryIsRefused() {
        assertThatThrownBy(() -> set(optional("eu"), optional("us")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG));
    }

    private WalArchive.PushOutcome push(String name, String content) throws IOException {
        Path file = file(name, content);
        return set.pushWal(name, file, ObjectCodec.sha256(file), null);
    }

    /** A segment that is what its name says (copies between repositories check that), holding {@code content}. */
    private Path file(String name, String content) throws IOException {
        Path file = temp.resolve(Integer.toHexString((name + content).hashCode()));
        Files.write(file, TestSegments.withContent(name, "7441", content));
        return file;
    }

    private static boolean archived(InMemoryBlobStore store, String name) {
        try (Stream<BlobInfo> blobs = store.list(WalArchive.prefixFor(name) + name + "-")) {
            return blobs.findAny().isPresent();
        }
    }

    private static List<String> markers(InMemoryBlobStore store, String target) {
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.walQueue(target))) {
            return blobs.map(BlobInfo::key).toList();
        }
    }

    static RepositoryDescriptor descriptor(String systemId) {
        return TestRepositoryDescriptor.builder().systemIdentifier(systemId).build();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-20T14:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
