package dev.lifeboat.storage;

import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@Timeout(30)
class TimeLimitedBlobStoreTest {

    private final InMemoryBlobStore memory = new InMemoryBlobStore("timed");
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean hang = new AtomicBoolean(true);
    private final AtomicBoolean lateStreamClosed = new AtomicBoolean();

    /** A store whose stat and get hang until released, like a dead NFS server. */
    private final BlobStore hanging = new ForwardingBlobStore(memory) {
        @Override
        public Optional<BlobInfo> stat(String key) {
            await();
            return super.stat(key);
        }

        @Override
        public InputStream get(String key) {
            await();
            return new FilterInputStream(super.get(key)) {
                @Override
                public void close() throws IOException {
                    lateStreamClosed.set(true);
                    super.close();
                }
            };
        }

        private void await() {
            if (hang.get()) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // interrupted by the decorator giving up: carry on as a slow store would
                }
            }
        }
    };

    private final TimeLimitedBlobStore store = new TimeLimitedBlobStore(hanging, Duration.ofMillis(200));

    @AfterEach
    void close() {
        release.countDown();
        store.close();
    }

    @Test
    void aHangingRequestBecomesATransientFailureNamingTheStoreAndKey() {
        long start = System.nanoTime();

        Throwable thrown = catchThrowable(() -> store.stat("wal/seg"));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("mem://timed").contains("wal/seg").contains("no answer within 200 ms");
        });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 5_000L);
    }

    @Test
    void answersInTimeAndTheirFailuresPassThrough() {
        hang.set(false);
        memory.put("k", BlobContent.of(new byte[3]), PutMode.CREATE_ONLY);

        assertThat(store.stat("k")).map(BlobInfo::size).contains(3L);
        assertThat(catchThrowable(() -> store.get("absent")))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void aStreamThatOpensAfterTheCallerGaveUpIsClosed() throws InterruptedException {
        memory.put("k", BlobContent.of(new byte[3]), PutMode.CREATE_ONLY);

        assertThat(catchThrowable(() -> store.get("k"))).isInstanceOf(StorageException.class);
        release.countDown();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!lateStreamClosed.get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(lateStreamClosed).isTrue();
    }

    @Test
    void aPutThatKeepsReadingItsContentIsNeverCutShort() {
        // 10 reads, 60 ms apart: 600 ms in all, three times the timeout, but never 200 ms without progress.
        BlobContent slow = () -> new SlowStream(new byte[10], 60);

        store.put("slow", slow, PutMode.CREATE_ONLY);

        assertThat(memory.stat("slow")).map(BlobInfo::size).contains(10L);
    }

    @Test
    void aPutThatStopsMakingProgressFailsAndLeavesNothing() {
        BlobContent stuck = () -> new SlowStream(new byte[10], 2_000);

        Throwable thrown = catchThrowable(() -> store.put("stuck", stuck, PutMode.CREATE_ONLY));

        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.getMessage()).contains("no progress for 200 ms");
        });
        assertThat(memory.stat("stuck")).isEmpty();
    }

    /** One byte per read, after a pause. */
    private static final class SlowStream extends ByteArrayInputStream {
        private final long pauseMillis;

        SlowStream(byte[] bytes, long pauseMillis) {
            super(bytes);
            this.pauseMillis = pauseMillis;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            pause();
            return super.read(b, off, Math.min(len, 1));
        }

        @Override
        public synchronized int read() {
            pause();
            return super.read();
        }

        private void pause() {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
