/**
 * The in-memory adapter: the store of unit tests, with injectable failures
 * ({@code InMemoryBlobStore}).
 *
 * <p>May use {@code dev.lifeboat.storage} only.
 */
package dev.lifeboat.storage.memory;
