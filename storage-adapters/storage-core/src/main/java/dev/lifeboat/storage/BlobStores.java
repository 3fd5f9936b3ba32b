package dev.lifeboat.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** Opens a store from what an operator types: a directory path or a URI such as s3://bucket/prefix. */
public final class BlobStores {

    private BlobStores() {
    }

    /**
     * Opens the store at {@code location}. A plain path (absolute or relative) is a directory;
     * anything of the form scheme://... goes to the provider of that scheme.
     */
    public static BlobStore open(String location) {
        URI uri = toUri(location);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (BlobStoreProvider provider : ServiceLoader.load(BlobStoreProvider.class, BlobStores.class.getClassLoader())) {
            if (provider.scheme().equalsIgnoreCase(scheme)) {
                return provider.open(uri);
            }
            known.add(provider.scheme());
        }
        throw new StorageException(StorageException.Kind.PERMANENT, location, null,
                "no storage adapter for '" + scheme + "://' (known: " + String.join(", ", known) + ")");
    }

    /**
     * Opens the store at {@code location} wrapped in the decorators every command wants. The
     * order, innermost first, is the order of the lines below: rate limits and logging, when
     * they come, go between the adapter and the retry so that each attempt is limited and logged.
     */
    public static BlobStore openWithDefaults(String location) {
        BlobStore store = open(location);
        store = new RetryingBlobStore(store, RetryPolicy.DEFAULT);
        return store;
    }

    /** The URI of a location: plain paths become file: URIs of their absolute form. */
    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new StorageException(StorageException.Kind.PERMANENT, String.valueOf(location), null,
                    "empty repository location");
        }
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            try {
                return new URI(location);
            } catch (URISyntaxException e) {
                throw new StorageException(StorageException.Kind.PERMANENT, location, null,
                        "not a valid URI: " + e.getMessage(), e);
            }
        }
        return Path.of(location).toAbsolutePath().normalize().toUri();
    }
}
