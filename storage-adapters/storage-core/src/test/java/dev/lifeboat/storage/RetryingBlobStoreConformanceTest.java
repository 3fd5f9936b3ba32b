package dev.lifeboat.storage;

import dev.lifeboat.storage.memory.InMemoryBlobStore;

/** The retry decorator keeps every promise of the store it wraps. */
class RetryingBlobStoreConformanceTest extends BlobStoreConformanceTest {

    @Override
    protected BlobStore newStore() {
        return new RetryingBlobStore(new InMemoryBlobStore("retried"), RetryPolicy.DEFAULT);
    }
}
