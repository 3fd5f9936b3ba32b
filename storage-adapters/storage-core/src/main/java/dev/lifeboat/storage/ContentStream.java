package dev.lifeboat.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * One reading of a {@link BlobContent} as an adapter consumes it during a put: failures of the
 * caller's source become {@link StorageException#unreadableContent} (so they are never mistaken
 * for a failure of the store and retried), and a stream that yields more or fewer bytes than
 * the content's declared {@link BlobContent#length()} fails with {@link StorageException.Kind#PERMANENT}
 * before the adapter commits the blob.
 */
public final class ContentStream extends InputStream {

    private final InputStream in;
    private final long declaredLength;
    private final String location;
    private final String key;
    private long count;

    private ContentStream(InputStream in, long declaredLength, String location, String key) {
        this.in = in;
        this.declaredLength = declaredLength;
        this.location = location;
        this.key = key;
    }

    /** Opens the content for a put of {@code key} into the store at {@code location}. */
    public static ContentStream open(BlobContent content, String location, String key) {
        try {
            InputStream in = content.open();
            if (in == null) {
                throw new IOException("BlobContent.open() returned null");
            }
            return new ContentStream(in, content.length(), location, key);
        } catch (IOException e) {
            throw StorageException.unreadableContent(location, key, e);
        }
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        int n;
        try {
            n = in.read(buffer, offset, length);
        } catch (IOException e) {
            throw StorageException.unreadableContent(location, key, e);
        }
        if (n < 0) {
            if (declaredLength >= 0 && count != declaredLength) {
                throw lengthMismatch("only " + count);
            }
            return n;
        }
        count += n;
        if (declaredLength >= 0 && count > declaredLength) {
            throw lengthMismatch("more than " + declaredLength);
        }
        return n;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw StorageException.unreadableContent(location, key, e);
        }
    }

    private StorageException lengthMismatch(String actual) {
        return new StorageException(StorageException.Kind.PERMANENT, location, key,
                "the content to store as '" + key + "' in " + location + " declared " + declaredLength
                        + " bytes but gave " + actual);
    }
}
