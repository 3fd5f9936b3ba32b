package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobKeys;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The blobs under a prefix, fetched a page (ListObjectsV2) at a time as the caller iterates. S3
 * lists keys in UTF-8 byte order, which for the ASCII keys of a store is the order
 * {@link dev.lifeboat.storage.BlobStore#list} promises.
 *
 * <p>The first page is fetched by the constructor, so that a missing bucket or a refused
 * credential fails the {@code list} call itself (where a retry decorator can see it), not the
 * first read of the stream.
 */
final class ObjectListing implements Iterator<BlobInfo> {

    private final S3Client s3;
    private final S3Location location;
    private final String prefix;
    private final int pageSize;
    private final Deque<BlobInfo> page = new ArrayDeque<>();
    private String continuationToken;
    private boolean lastPage;

    /** @param prefix the blob-key prefix (not yet joined to the store's own prefix) */
    ObjectListing(S3Client s3, S3Location location, String prefix, int pageSize) {
        this.s3 = s3;
        this.location = location;
        this.prefix = prefix;
        this.pageSize = pageSize;
        fetchPage();
    }

    @Override
    public boolean hasNext() {
        while (page.isEmpty() && !lastPage) {
            fetchPage();
        }
        return !page.isEmpty();
    }

    @Override
    public BlobInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return page.removeFirst();
    }

    private void fetchPage() {
        ListObjectsV2Response response;
        try {
            response = s3.listObjectsV2(request -> request.bucket(location.bucket())
                    .prefix(objectPrefix()).maxKeys(pageSize).continuationToken(continuationToken));
        } catch (SdkException e) {
            throw S3Errors.of(S3Errors.Action.LIST, location, prefix, e);
        }
        for (S3Object object : response.contents()) {
            String key = location.blobKey(object.key());
            if (isBlobKey(key)) {
                page.addLast(new BlobInfo(key, object.size(), object.lastModified()));
            }
        }
        continuationToken = response.nextContinuationToken();
        lastPage = !Boolean.TRUE.equals(response.isTruncated()) || continuationToken == null;
    }

    /** The store's prefix joined to the blob-key prefix; "" lists the whole store. */
    private String objectPrefix() {
        if (location.prefix().isEmpty()) {
            return prefix;
        }
        return location.prefix() + "/" + prefix;
    }

    /**
     * Objects that other tools put under the prefix and that no blob key can name (console
     * "folder/" markers, non-ASCII names) are not blobs of this store: they are skipped, as the
     * filesystem store skips what is not a regular file.
     */
    private static boolean isBlobKey(String key) {
        try {
            BlobKeys.check(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
