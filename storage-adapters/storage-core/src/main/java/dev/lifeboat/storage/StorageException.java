package dev.lifeboat.storage;

/**
 * A store operation that did not succeed, with the kind of failure that decides what the
 * caller may do next: retry, report "not found", or give up with a hint.
 */
public class StorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** No blob under the key: a clean, definite answer. */
        NOT_FOUND,
        /** CREATE_ONLY found a blob already stored under the key. */
        ALREADY_EXISTS,
        /** Worth retrying: timeouts, throttling, 5xx, connection resets, interrupted I/O. */
        TRANSIENT,
        /** Retrying will not help: no permission, no such bucket or directory, bad config. */
        PERMANENT
    }

    private final Kind kind;
    private final String location;
    private final String key;

    public StorageException(Kind kind, String location, String key, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.location = location;
        this.key = key;
    }

    public StorageException(Kind kind, String location, String key, String message) {
        this(kind, location, key, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The store's {@link BlobStore#location()}. */
    public String location() {
        return location;
    }

    /** The key involved, or null when the failure is about the whole store. */
    public String key() {
        return key;
    }

    public boolean isNotFound() {
        return kind == Kind.NOT_FOUND;
    }

    public static StorageException notFound(String location, String key) {
        return new StorageException(Kind.NOT_FOUND, location, key, "no blob '" + key + "' in " + location);
    }

    public static StorageException alreadyExists(String location, String key) {
        return new StorageException(Kind.ALREADY_EXISTS, location, key, "blob '" + key + "' already exists in " + location);
    }

    /**
     * The {@link BlobContent} given to a put could not be read: the caller's source failed, not
     * the store, so it is {@link Kind#PERMANENT} for the store and the source's exception is
     * the cause.
     */
    public static StorageException unreadableContent(String location, String key, Exception cause) {
        return new StorageException(Kind.PERMANENT, location, key,
                "cannot read the content to store as '" + key + "' in " + location + ": " + oneLine(cause), cause);
    }

    /** The exception's message on one line (for adapters' messages), or its class name when it has none. */
    public static String oneLine(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
