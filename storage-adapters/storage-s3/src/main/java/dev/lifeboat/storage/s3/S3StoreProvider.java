package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreProvider;
import dev.lifeboat.storage.InvalidStoreLocationException;
import dev.lifeboat.storage.StoreLocationText;

import java.net.URI;

/** Opens {@code s3://bucket/prefix?options} as an {@link S3BlobStore} (options: {@link S3StoreUri}). */
public final class S3StoreProvider implements BlobStoreProvider {

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public BlobStore open(URI location) {
        return new S3BlobStore(parse(location));
    }

    @Override
    public void check(URI location) {
        parse(location);
    }

    private static S3StoreUri parse(URI location) {
        try {
            return S3StoreUri.parse(location);
        } catch (IllegalArgumentException e) {
            // Named without user info and query: what the parser refused may be a misplaced secret.
            String named = StoreLocationText.withoutCredentials(location);
            throw new InvalidStoreLocationException(named, "invalid S3 store " + named + ": " + e.getMessage(), e);
        }
    }
}
