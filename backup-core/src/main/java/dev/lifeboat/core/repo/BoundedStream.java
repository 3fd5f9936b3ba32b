package dev.lifeboat.core.repo;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** At most {@code limit} bytes of the stream; closing it closes the stream only when asked to. */
public final class BoundedStream extends FilterInputStream {
    private final boolean closesSource;
    private long remaining;

    BoundedStream(InputStream in, long limit) {
        this(in, limit, false);
    }

    private BoundedStream(InputStream in, long limit, boolean closesSource) {
        super(in);
        this.remaining = limit;
        this.closesSource = closesSource;
    }

    /** Skips what is left of the bound (e.g. the rest of one file's frame in a shared object). */
    void skipRest() throws IOException {
        in.skipNBytes(remaining);
        remaining = 0;
    }

    /** The first {@code limit} bytes of a stream this one owns (and closes). */
    public static BoundedStream owning(InputStream in, long limit) {
        return new BoundedStream(in, limit, true);
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = in.read();
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(n, remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), remaining);
    }

    @Override
    public void close() throws IOException {
        if (closesSource) {
            in.close();
        }
    }
}
