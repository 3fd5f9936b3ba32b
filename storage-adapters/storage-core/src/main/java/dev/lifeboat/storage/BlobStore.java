package dev.lifeboat.storage;

import java.io.InputStream;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A flat store of named, immutable blobs: the only thing a Lifeboat repository needs from
 * a filesystem, a bucket or anything else.
 *
 * <p>Keys are relative, '/'-separated paths of printable ASCII without "." or ".." segments,
 * leading or trailing '/' or "//" (exactly: {@link BlobKeys}). An invalid key or prefix is
 * refused with an {@link IllegalArgumentException} before the store is touched. A key should
 * not also be the directory of other keys ("a" and "a/b"): a filesystem cannot hold both, so
 * a store may refuse the second with {@link StorageException.Kind#PERMANENT}.
 *
 * <p>Every method may throw {@link StorageException}; its
 * {@link StorageException.Kind} tells "not there" apart from an outage or a refusal, which the
 * callers must never confuse (a WAL fetch that mistakes an outage for "not found" ends
 * recovery at the wrong point).
 */
public interface BlobStore extends AutoCloseable {

    /** Where the store is, for messages and logs: never contains a secret. */
    String location();

    /** What this store can do beyond the contract below. */
    StoreCapabilities capabilities();

    /**
     * Stores the content under {@code key}. Atomic: a reader sees either the whole new blob or
     * no blob (or, with {@link PutMode#REPLACE}, the whole previous one), never a part; a put
     * that fails leaves nothing visible under the key. Durable once it returns.
     *
     * <p>With {@link PutMode#CREATE_ONLY} an existing blob is never touched: the put fails
     * with {@link StorageException.Kind#ALREADY_EXISTS}. The content may be opened more than
     * once (retries), so it must yield the same bytes each time.
     */
    void put(String key, BlobContent content, PutMode mode);

    /** Opens the whole blob for reading. Fails with {@link StorageException.Kind#NOT_FOUND}. */
    InputStream get(String key);

    /**
     * Opens {@code length} bytes starting at {@code offset}; fewer when the blob ends first,
     * none when {@code offset} is at or past its end. Negative arguments are an
     * {@link IllegalArgumentException}. Fails with {@link StorageException.Kind#NOT_FOUND}.
     */
    InputStream get(String key, long offset, long length);

    /** Size and time of a blob, or empty when there is none under the key. */
    Optional<BlobInfo> stat(String key);

    /**
     * Every blob whose key starts with {@code prefix}, in ascending key order (byte order of
     * the ASCII keys). The stream must be closed; it may fetch lazily, page by page.
     */
    Stream<BlobInfo> list(String prefix);

    /** Removes the blob; removing a blob that does not exist is not an error. */
    void delete(String key);

    /** Releases connections and threads; the default does nothing. */
    @Override
    default void close() {
    }
}
