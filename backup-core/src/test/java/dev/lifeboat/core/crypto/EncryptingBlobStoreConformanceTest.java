package dev.lifeboat.core.crypto;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreConformanceTest;
import dev.lifeboat.storage.memory.InMemoryBlobStore;

import java.util.Set;

/** The encrypting decorator keeps every promise of a store: callers see plaintext, sizes included. */
class EncryptingBlobStoreConformanceTest extends BlobStoreConformanceTest {

    private static final DataKeyset KEYSET = DataKeyset.generate();

    @Override
    protected BlobStore newStore() {
        return new EncryptingBlobStore(new InMemoryBlobStore("encrypted"), KEYSET, Set.of());
    }
}
