package dev.lifeboat.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Holds the bytes a store moves to a {@link Bandwidth} per direction: what puts read from their
 * content draws on the upload budget, what gets deliver draws on the download budget. The
 * budgets are shared objects, so one limit can cover every store a command opens.
 */
public final class RateLimitedBlobStore extends ForwardingBlobStore {

    /** The most a single read moves at once, so that no wait is longer than a slice of a second. */
    static final int MAX_READ = 64 * 1024;

    private final Bandwidth uploads;
    private final Bandwidth downloads;

    /** @param uploads the budget for puts, or null for none; likewise {@code downloads} for gets */
    public RateLimitedBlobStore(BlobStore delegate, Bandwidth uploads, Bandwidth downloads) {
        super(delegate);
        this.uploads = uploads;
        this.downloads = downloads;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        if (uploads == null) {
            super.put(key, content, mode);
            return;
        }
        delegate().put(key, new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                return new Throttled(content.open(), uploads);
            }

            @Override
            public long length() {
                return content.length();
            }
        }, mode);
    }

    @Override
    public InputStream get(String key) {
        InputStream in = delegate().get(key);
        return downloads == null ? in : new Throttled(in, downloads);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        InputStream in = delegate().get(key, offset, length);
        return downloads == null ? in : new Throttled(in, downloads);
    }

    /** Reads at most {@link #MAX_READ} bytes at a time, each after the budget allows them. */
    private static final class Throttled extends FilterInputStream {
        private final Bandwidth bandwidth;

        Throttled(InputStream in, Bandwidth bandwidth) {
            super(in);
            this.bandwidth = bandwidth;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                take(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, Math.min(length, MAX_READ));
            if (n > 0) {
                take(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return in.skip(Math.min(n, MAX_READ));
        }

        private void take(int bytes) throws InterruptedIOException {
            try {
                bandwidth.acquire(bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while holding to the transfer rate limit");
            }
        }
    }
}
