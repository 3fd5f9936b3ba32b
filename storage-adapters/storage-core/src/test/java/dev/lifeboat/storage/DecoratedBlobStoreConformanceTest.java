package dev.lifeboat.storage;

import dev.lifeboat.storage.memory.InMemoryBlobStore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every decorator {@link BlobStores#open(String, StoreSettings)} can stack (request timeout,
 * request log, rate limit, retry) keeps every promise of the store it wraps.
 */
class DecoratedBlobStoreConformanceTest extends BlobStoreConformanceTest {

    private final AtomicLong lines = new AtomicLong();

    @Override
    protected BlobStore newStore() {
        // A rate far above what the suite moves, so the limiter is exercised but never slows it down much.
        Bandwidth uploads = new Bandwidth(TransferRate.parse("2GB/s"));
        Bandwidth downloads = new Bandwidth(TransferRate.parse("2GB/s"));
        BlobStore store = new InMemoryBlobStore("decorated");
        store = new TimeLimitedBlobStore(store, Duration.ofSeconds(60));
        store = new RequestLoggingBlobStore(store, line -> lines.incrementAndGet());
        store = new RateLimitedBlobStore(store, uploads, downloads);
        return new RetryingBlobStore(store, RetryPolicy.DEFAULT);
    }
}
