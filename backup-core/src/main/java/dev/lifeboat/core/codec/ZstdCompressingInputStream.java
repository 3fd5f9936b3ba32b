package dev.lifeboat.core.codec;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Reads a source stream and yields it zstd-compressed, one zstd frame made with the given context.
 * A pull-style compressor: stores take an InputStream (they may re-open it to retry), so
 * compression happens while the store reads, in a buffer of fixed size whatever the input.
 */
final class ZstdCompressingInputStream extends InputStream {

    private static final int CHUNK = 128 * 1024;

    private final InputStream source;
    private final ZstdCompressCtx ctx;
    private final byte[] inArray = new byte[CHUNK];
    private final ByteBuffer in = ByteBuffer.wrap(inArray).limit(0);
    private final ByteBuffer out = ByteBuffer.allocate(CHUNK + 1024).limit(0);
    private boolean sourceEnded;
    private boolean frameEnded;
    private boolean closed;

    /** @param ctx a context set up for one frame (level, checksum); closed with this stream */
    ZstdCompressingInputStream(InputStream source, ZstdCompressCtx ctx) {
        this.source = source;
        this.ctx = ctx;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (!out.hasRemaining()) {
            if (frameEnded) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, out.remaining());
        out.get(b, off, n);
        return n;
    }

    /** Compresses until some output is ready or the frame is complete. */
    private void fill() throws IOException {
        out.clear();
        while (out.position() == 0 && !frameEnded) {
            if (!in.hasRemaining() && !sourceEnded) {
                int r = source.read(inArray, 0, inArray.length);
                if (r < 0) {
                    sourceEnded = true;
                    in.position(0).limit(0);
                } else {
                    in.position(0).limit(r);
                }
            }
            EndDirective directive = sourceEnded ? EndDirective.END : EndDirective.CONTINUE;
            boolean flushed = ctx.compressByteBufferStream(out, in, directive);
            if (sourceEnded && flushed) {
                frameEnded = true;
            }
            if (!out.hasRemaining()) {
                break;
            }
        }
        out.flip();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            ctx.close();
            source.close();
        }
    }
}
