package dev.lifeboat.core.crypto;

import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ContentStream;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A store that keeps every object encrypted and authenticated with the repository's data
 * keyset, the object's key bound as associated data; callers see plaintext. It sits on top of
 * the adapter and its retry/limit/log decorators and below the codec, so objects are compressed,
 * then encrypted.
 *
 * <p>Only the keys in {@code plaintextKeys} pass through in the clear: the descriptor, which must
 * be readable without the key and holds only the wrapped keyset. Sizes from {@link #stat} and
 * {@link #list} are plaintext sizes (computed from the ciphertext's fixed layout), so size checks
 * and copies between stores work as on a plain repository. An object that fails authentication
 * (tampered, truncated, swapped, written with another key) fails on read with a CORRUPT error
 * naming it, before any of its unauthenticated bytes reach the caller.
 */
public final class EncryptingBlobStore extends ForwardingBlobStore {

    private final DataKeyset keyset;
    private final Set<String> plaintextKeys;

    public EncryptingBlobStore(BlobStore delegate, DataKeyset keyset, Set<String> plaintextKeys) {
        super(delegate);
        this.keyset = keyset;
        this.plaintextKeys = Set.copyOf(plaintextKeys);
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        if (plaintextKeys.contains(key)) {
            delegate().put(key, content, mode);
            return;
        }
        delegate().put(key, new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                // ContentStream keeps the contract for the plaintext: its declared length is checked, its failures are the caller's
                return new EncryptingInputStream(ContentStream.open(content, location(), key), keyset, key);
            }
        }, mode);
    }

    @Override
    public InputStream get(String key) {
        if (plaintextKeys.contains(key)) {
            return delegate().get(key);
        }
        return AuthenticatedInputStream.open(delegate().get(key), keyset, key, location());
    }

    /** Decrypts from the start and skips: every skipped segment is authenticated too. Nothing in Lifeboat reads ranges of encrypted objects often. */
    @Override
    public InputStream get(String key, long offset, long length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length);
        }
        if (plaintextKeys.contains(key)) {
            return delegate().get(key, offset, length);
        }
        InputStream whole = get(key);
        try {
            whole.skipNBytes(Math.min(offset, Long.MAX_VALUE));
        } catch (java.io.EOFException e) {
            return InputStream.nullInputStream();
        } catch (IOException e) {
            throw AuthenticatedInputStream.rethrow(e);
        }
        return new RangeInputStream(whole, length);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return delegate().stat(key).map(this::plaintextInfo);
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return delegate().list(prefix).map(this::plaintextInfo);
    }

    private BlobInfo plaintextInfo(BlobInfo stored) {
        if (plaintextKeys.contains(stored.key())) {
            return stored;
        }
        return new BlobInfo(stored.key(), DataKeyset.plaintextSize(stored.size()), stored.lastModified());
    }

    /** At most {@code limit} bytes of a stream. */
    private static final class RangeInputStream extends java.io.FilterInputStream {
        private long left;

        RangeInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
