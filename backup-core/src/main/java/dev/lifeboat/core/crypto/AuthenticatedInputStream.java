package dev.lifeboat.core.crypto;

import dev.lifeboat.core.error.LifeboatException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The plaintext of a stored object. Tink hands out a segment only once it is authenticated; a
 * failure of Tink (not of the store below, whose errors pass through as they are) means the
 * object is not what this repository wrote under this name, and becomes a CORRUPT error naming it.
 */
final class AuthenticatedInputStream extends FilterInputStream {

    private final String objectKey;
    private final String location;
    private final WatchedStream stored;

    private AuthenticatedInputStream(InputStream plaintext, WatchedStream stored, String objectKey, String location) {
        super(plaintext);
        this.stored = stored;
        this.objectKey = objectKey;
        this.location = location;
    }

    static InputStream open(InputStream ciphertext, DataKeyset keyset, String objectKey, String location) {
        WatchedStream stored = new WatchedStream(ciphertext);
        try {
            return new AuthenticatedInputStream(keyset.decrypting(stored, objectKey), stored, objectKey, location);
        } catch (IOException e) {
            try {
                ciphertext.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw stored.failed ? rethrow(e) : failedAuthentication(objectKey, location, e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw judge(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            return super.read(buffer, offset, length);
        } catch (IOException e) {
            throw judge(e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            throw judge(e);
        }
    }

    private IOException judge(IOException e) {
        if (stored.failed) {
            return e; // the store failed, not the authentication: the caller's retry and error handling apply
        }
        throw failedAuthentication(objectKey, location, e);
    }

    static LifeboatException failedAuthentication(String objectKey, String location, Exception cause) {
        return new ObjectAuthenticationException(objectKey, location, cause);
    }

    static RuntimeException rethrow(IOException e) {
        return new UncheckedIOException(e);
    }

    /** Remembers whether the stored bytes themselves failed to arrive. */
    private static final class WatchedStream extends FilterInputStream {
        volatile boolean failed;

        WatchedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }
}
