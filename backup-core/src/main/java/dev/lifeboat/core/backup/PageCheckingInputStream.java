package dev.lifeboat.core.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A relation file's stream that shows every byte read to a {@link PageVerifier} on its way
 * through: the pages are checked in the buffers the backup reads anyway, never read twice
 * (except a page that fails, once). When the stream reaches its end the verifier is handed on.
 */
final class PageCheckingInputStream extends FilterInputStream {

    private final PageVerifier verifier;
    private final Consumer<PageVerifier> whenRead;
    private boolean ended;

    PageCheckingInputStream(InputStream in, PageVerifier verifier, Consumer<PageVerifier> whenRead) {
        super(in);
        this.verifier = verifier;
        this.whenRead = whenRead;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            verifier.accept(b, off, n);
        } else if (n < 0) {
            end();
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    /** Skipped bytes would go unchecked and shift the block numbers: read them instead. */
    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(1, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            verifier.finish();
        }
    }

    private void end() {
        if (!ended) {
            ended = true;
            verifier.finish();
            whenRead.accept(verifier);
        }
    }
}
