package dev.lifeboat.storage;

/**
 * A location that names no store at all: not a URI, an unknown scheme, or a store URI its
 * adapter cannot read (an S3 URI without a bucket, an unknown option). Nothing was asked of
 * any store; the user wrote the location wrong, so commands report it as a usage error.
 */
public final class InvalidStoreLocationException extends StorageException {

    private static final long serialVersionUID = 1L;

    public InvalidStoreLocationException(String location, String message, Throwable cause) {
        super(Kind.PERMANENT, location, null, message, cause);
    }
}
