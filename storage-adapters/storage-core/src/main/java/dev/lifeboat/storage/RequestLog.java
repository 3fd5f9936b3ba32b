package dev.lifeboat.storage;

/**
 * Where {@link RequestLoggingBlobStore} writes its lines (stderr for a command, a list in tests).
 * The lines name stores by {@link BlobStore#location()} and blobs by key, never a credential.
 */
@FunctionalInterface
public interface RequestLog {
    void log(String line);
}
