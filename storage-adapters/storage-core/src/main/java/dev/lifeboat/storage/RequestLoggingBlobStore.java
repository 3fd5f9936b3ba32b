package dev.lifeboat.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Writes one line per store request: what, which key, how many bytes, how long, and how it
 * ended. Below the retry decorator it shows every attempt, so an operator sees the 503s that a
 * retry hid. A get is logged when its stream is closed (with the bytes read), or at once when
 * it fails to open.
 */
public final class RequestLoggingBlobStore extends ForwardingBlobStore {

    private final RequestLog log;

    public RequestLoggingBlobStore(BlobStore delegate, RequestLog log) {
        super(delegate);
        this.log = log;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        long start = System.nanoTime();
        AtomicLong bytes = new AtomicLong();
        BlobContent counted = new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                bytes.set(0);
                return new Counting(content.open(), bytes);
            }

            @Override
            public long length() {
                return content.length();
            }
        };
        try {
            delegate().put(key, counted, mode);
            line("PUT", key + (mode == PutMode.CREATE_ONLY ? " (create only)" : ""), bytes.get(), start, null);
        } catch (RuntimeException e) {
            line("PUT", key + (mode == PutMode.CREATE_ONLY ? " (create only)" : ""), bytes.get(), start, e);
            throw e;
        }
    }

    @Override
    public InputStream get(String key) {
        return logGet(key, key, () -> delegate().get(key));
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        return logGet(key, key + " [" + offset + "+" + length + "]", () -> delegate().get(key, offset, length));
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        long start = System.nanoTime();
        try {
            Optional<BlobInfo> info = delegate().stat(key);
            line("STAT", key + (info.isPresent() ? "" : " (absent)"), -1, start, null);
            return info;
        } catch (RuntimeException e) {
            line("STAT", key, -1, start, e);
            throw e;
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        long start = System.nanoTime();
        try {
            Stream<BlobInfo> listing = delegate().list(prefix);
            line("LIST", "'" + prefix + "'", -1, start, null);
            return listing;
        } catch (RuntimeException e) {
            line("LIST", "'" + prefix + "'", -1, start, e);
            throw e;
        }
    }

    @Override
    public void delete(String key) {
        long start = System.nanoTime();
        try {
            delegate().delete(key);
            line("DELETE", key, -1, start, null);
        } catch (RuntimeException e) {
            line("DELETE", key, -1, start, e);
            throw e;
        }
    }

    @FunctionalInterface
    private interface Opening {
        InputStream open();
    }

    private InputStream logGet(String key, String what, Opening opening) {
        long start = System.nanoTime();
        InputStream in;
        try {
            in = opening.open();
        } catch (RuntimeException e) {
            line("GET", what, -1, start, e);
            throw e;
        }
        AtomicLong bytes = new AtomicLong();
        return new Counting(in, bytes) {
            private boolean logged;

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    if (!logged) {
                        logged = true;
                        line("GET", what, bytes.get(), start, null);
                    }
                }
            }
        };
    }

    private void line(String operation, String what, long bytes, long startNanos, RuntimeException failure) {
        double millis = (System.nanoTime() - startNanos) / 1e6;
        StringBuilder line = new StringBuilder("store ").append(operation).append(' ').append(location()).append(' ').append(what);
        if (bytes >= 0) {
            line.append(' ').append(bytes).append(" B");
        }
        line.append(String.format(Locale.ROOT, " %.0f ms ", millis));
        if (failure == null) {
            line.append("ok");
        } else {
            String kind = failure instanceof StorageException se ? se.kind().name() : failure.getClass().getSimpleName();
            line.append("failed ").append(kind).append(": ").append(StorageException.oneLine(failure));
        }
        try {
            log.log(line.toString());
        } catch (RuntimeException ignored) {
            // a log that cannot be written must not fail the request
        }
    }

    /** Counts the bytes read through it. */
    private static class Counting extends FilterInputStream {
        private final AtomicLong count;

        Counting(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count.addAndGet(Math.max(0, skipped));
            return skipped;
        }
    }
}
