/**
 * The blob-store contract ({@code BlobStore}, {@code StoreCapabilities}, {@code StorageException}),
 * its decorators (retry, time limits, rate limits, request logging) stacked in one place
 * ({@code BlobStores.open}), and the lookup of adapters by URI scheme (ServiceLoader).
 *
 * <p>Uses no Lifeboat package and no adapter; adapters depend on it, never the reverse.
 */
package dev.lifeboat.storage;
