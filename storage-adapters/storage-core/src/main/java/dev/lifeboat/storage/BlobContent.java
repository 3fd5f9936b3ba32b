package dev.lifeboat.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes to store, as a stream that can be opened again: a store that retries or
 * uploads in parts may read it more than once, and every reading must yield the same bytes.
 */
@FunctionalInterface
public interface BlobContent {

    /** Opens a fresh stream positioned at the first byte. */
    InputStream open() throws IOException;

    /**
     * The number of bytes, or -1 when it is only known once the stream ends. A store refuses
     * (with {@link StorageException.Kind#PERMANENT}, storing nothing) content whose stream
     * yields a different number of bytes than it declared.
     */
    default long length() {
        return -1;
    }

    static BlobContent of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BlobContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public long length() {
                return copy.length;
            }
        };
    }

    static BlobContent of(Path file) throws IOException {
        long size = Files.size(file);
        return new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public long length() {
                return size;
            }
        };
    }
}
