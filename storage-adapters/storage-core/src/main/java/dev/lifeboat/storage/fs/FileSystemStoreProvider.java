package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreProvider;
import dev.lifeboat.storage.InvalidStoreLocationException;
import dev.lifeboat.storage.StoreLocationText;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;

/** Opens {@code file:} URIs (plain paths become these) as a {@link FileSystemBlobStore}. */
public final class FileSystemStoreProvider implements BlobStoreProvider {

    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public BlobStore open(URI location) {
        try {
            return new FileSystemBlobStore(Path.of(location));
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            // Named without user info and query: a credential may have been put there by mistake.
            String named = StoreLocationText.withoutCredentials(location);
            throw new InvalidStoreLocationException(named, "not a local directory: " + named + " (" + e.getMessage() + ")", e);
        }
    }
}
