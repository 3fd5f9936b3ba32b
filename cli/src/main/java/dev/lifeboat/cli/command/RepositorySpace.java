package dev.lifeboat.cli.command;

import dev.lifeboat.core.check.StoreSpace;
import dev.lifeboat.storage.BlobStores;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** The free space under a directory repository; other stores do not say. */
final class RepositorySpace {

    private RepositorySpace() {
    }

    /** The space of the file system holding {@code location}, or null when it is not a directory (or cannot be asked). */
    static StoreSpace of(String location) {
        try {
            URI uri = BlobStores.toUri(location);
            if (!"file".equalsIgnoreCase(uri.getScheme())) {
                return null;
            }
            Path directory = Path.of(uri);
            if (!Files.isDirectory(directory)) {
                return null;
            }
            FileStore store = Files.getFileStore(directory);
            return new StoreSpace(store.getUsableSpace(), store.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
