package dev.lifeboat.core.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The ciphertext of a plaintext stream, to be read (a store's put pulls its content, while Tink
 * encrypts into an OutputStream): plaintext is fed to the encrypting stream a chunk at a time and
 * the segments it completes are handed out, so memory stays bounded by about one segment.
 */
final class EncryptingInputStream extends InputStream {

    private static final int CHUNK = 64 * 1024;

    private final InputStream plaintext;
    private final Pending pending = new Pending();
    private final OutputStream encrypting;
    private final byte[] chunk = new byte[CHUNK];
    private boolean finished;

    EncryptingInputStream(InputStream plaintext, DataKeyset keyset, String objectKey) throws IOException {
        this.plaintext = plaintext;
        this.encrypting = keyset.encrypting(pending, objectKey);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (pending.available() == 0) {
            if (finished) {
                return -1;
            }
            int n = plaintext.read(chunk);
            if (n < 0) {
                encrypting.close(); // writes the last segment, marked as last: a truncated object fails
                finished = true;
            } else {
                encrypting.write(chunk, 0, n);
            }
        }
        return pending.take(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
        plaintext.close();
    }

    /** Ciphertext written by Tink and not read yet. */
    private static final class Pending extends ByteArrayOutputStream {
        private int position;

        int available() {
            return count - position;
        }

        int take(byte[] buffer, int offset, int length) {
            int n = Math.min(length, available());
            System.arraycopy(buf, position, buffer, offset, n);
            position += n;
            if (position == count) {
                reset();
                position = 0;
            }
            return n;
        }
    }
}
