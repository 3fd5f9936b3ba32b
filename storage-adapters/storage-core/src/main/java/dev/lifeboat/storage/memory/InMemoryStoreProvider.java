package dev.lifeboat.storage.memory;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreProvider;
import dev.lifeboat.storage.StorageException;

import java.net.URI;

/** Opens {@code mem://name}: the JVM-wide {@link InMemoryBlobStore} of that name. */
public final class InMemoryStoreProvider implements BlobStoreProvider {

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public BlobStore open(URI location) {
        String name = location.getRawAuthority();
        String path = location.getRawPath();
        if (name == null || name.isEmpty() || (path != null && !path.isEmpty() && !path.equals("/"))
                || location.getRawQuery() != null) {
            throw new StorageException(StorageException.Kind.PERMANENT, location.toString(), null,
                    "an in-memory store is named mem://<name>, not " + location);
        }
        return InMemoryBlobStore.named(name);
    }
}
