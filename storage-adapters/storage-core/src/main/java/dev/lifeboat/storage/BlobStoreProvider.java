package dev.lifeboat.storage;

import java.net.URI;

/**
 * Opens stores of one URI scheme. Implementations are found with {@link java.util.ServiceLoader}
 * (META-INF/services/dev.lifeboat.storage.BlobStoreProvider): adding a kind of store is one
 * provider, its adapter and a test that runs the conformance suite.
 */
public interface BlobStoreProvider {

    /** The URI scheme this provider opens, e.g. "file" or "s3". */
    String scheme();

    /** Opens the store; fails with a {@link StorageException} naming what is wrong with the URI. */
    BlobStore open(URI location);

    /**
     * Checks that the URI can name a store of this kind, asking nothing of any store (for
     * options and configuration, read before a command runs); fails with an
     * {@link InvalidStoreLocationException} naming what is wrong. Accepts every URI by default.
     */
    default void check(URI location) {
    }
}
