package dev.lifeboat.storage.s3;

import software.amazon.awssdk.core.ResponseInputStream;

import java.io.FilterInputStream;
import java.io.IOException;

/**
 * The body of a GetObject. Closed before its end, it aborts the connection instead of letting
 * the HTTP client drain what is left: a caller that reads the first bytes of a 1 GiB object and
 * stops must not download the rest.
 */
final class ObjectStream extends FilterInputStream {

    private final ResponseInputStream<?> response;
    private boolean ended;
    private boolean closed;

    ObjectStream(ResponseInputStream<?> response) {
        super(response);
        this.response = response;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        ended |= b < 0;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        ended |= n < 0;
        return n;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended) {
            response.abort();
        }
        super.close();
    }
}
