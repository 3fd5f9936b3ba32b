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
        return provider(location, uri).open(uri);
    }

    /**
     * Checks that {@code location} names a store this Lifeboat can open, without opening it;
     * throws {@link InvalidStoreLocationException} naming what is wrong.
     */
    public static void check(String location) {
        URI uri = toUri(location);
        provider(location, uri).check(uri);
    }

    private static BlobStoreProvider provider(String location, URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        List<String> known = new ArrayList<>();
        for (BlobStoreProvider provider : ServiceLoader.load(BlobStoreProvider.class, BlobStores.class.getClassLoader())) {
            if (provider.scheme().equalsIgnoreCase(scheme)) {
                return provider;
            }
            known.add(provider.scheme());
        }
        throw new InvalidStoreLocationException(StoreLocationText.withoutCredentials(location),
                "no storage adapter for '" + scheme + "://' (known: " + String.join(", ", known) + ")", null);
    }

    /** Opens the store at {@code location} with {@link StoreSettings#DEFAULTS}. */
    public static BlobStore openWithDefaults(String location) {
        return open(location, StoreSettings.DEFAULTS);
    }

    /**
     * Opens the store at {@code location} wrapped in the decorators the settings ask for. This
     * is the one place they are stacked; the order, innermost first, is the order of the lines:
     * a request that hangs becomes a transient failure; every attempt is logged and held to
     * the rate limit; the retry, outermost, repeats whole attempts.
     */
    public static BlobStore open(String location, StoreSettings settings) {
        BlobStore store = open(location);
        if (settings.requestTimeout() != null) {
            store = new TimeLimitedBlobStore(store, settings.requestTimeout());
        }
        if (settings.requestLog() != null) {
            store = new RequestLoggingBlobStore(store, settings.requestLog());
        }
        if (settings.uploads() != null || settings.downloads() != null) {
            store = new RateLimitedBlobStore(store, settings.uploads(), settings.downloads());
        }
        store = new RetryingBlobStore(store, settings.retry());
        return store;
    }

    /** The URI of a location: plain paths become file: URIs of their absolute form. */
    public static URI toUri(String location) {
        if (location == null || location.isBlank()) {
            throw new InvalidStoreLocationException(String.valueOf(location), "empty repository location", null);
        }
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            try {
                return new URI(location);
            } catch (URISyntaxException e) {
                // URISyntaxException's text names parser internals ("Expected authority at index 5"): say what a location looks like.
                throw new InvalidStoreLocationException(StoreLocationText.withoutCredentials(location), "not a valid URI (" + e.getReason().toLowerCase(Locale.ROOT)
                        + "): write a directory path, or SCHEME://BUCKET[/PREFIX][?OPTIONS] such as s3://backups/prod?region=eu-west-1", e);
            }
        }
        return Path.of(location).toAbsolutePath().normalize().toUri();
    }
}
