package dev.lifeboat.storage;

/**
 * What a store offers beyond the {@link BlobStore} contract, so that services ask for a
 * feature instead of testing for an adapter's class.
 *
 * @param atomicCreateOnly {@link PutMode#CREATE_ONLY} is decided by the store itself, so two
 *                         writers racing for one key cannot both win; when false the check
 *                         is best effort (stat, then put)
 * @param concurrency      how many requests it is sensible to run at once
 * @param local            the blobs are on a local or mounted disk (no network round trips)
 */
public record StoreCapabilities(boolean atomicCreateOnly, int concurrency, boolean local) {
}
