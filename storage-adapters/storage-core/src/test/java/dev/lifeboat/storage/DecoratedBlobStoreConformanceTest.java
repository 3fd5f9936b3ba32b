package dev.lifeboat.storage;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every decorator {@link BlobStores#open(String, StoreSettings)} can stack (request timeout,
 * request log, rate limit, retry) keeps every promise of the store it wraps. The store is
 * opened through that same method, so the decorators are stacked in production's order.
 */
class DecoratedBlobStoreConformanceTest extends BlobStoreConformanceTest {

    private final AtomicLong lines = new AtomicLong();

    @Override
    protected BlobStore newStore() {
        // A rate far above what the suite moves, so the limiter is exercised but never slows it down much.
        StoreSettings settings = StoreSettings.DEFAULTS
                .withRequestTimeout(Duration.ofSeconds(60))
                .withRequestLog(line -> lines.incrementAndGet())
                .withMaxRate(TransferRate.parse("2GB/s"));
        // A fresh name per test: mem://name is one store per name within the JVM.
        return BlobStores.open("mem://decorated-" + UUID.randomUUID(), settings);
    }
}
