package dev.lifeboat.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The stored form of some plain content, produced while it is read. Once the stream has been
 * read to its end, {@link #digest()} tells the checksum and size of the plain content that
 * went in, so one pass over a data file both uploads and checksums it.
 */
public final class EncodingStream extends FilterInputStream {

    private final CountingDigestInputStream plain;
    private ContentDigest digest;

    EncodingStream(InputStream encoded, CountingDigestInputStream plain) {
        super(encoded);
        this.plain = plain;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        throw new UnsupportedOperationException("an encoding stream is read whole");
    }

    /** Checksum and size of the plain content; only valid once this stream has ended. */
    public ContentDigest digest() {
        if (digest == null) {
            if (!plain.ended()) {
                throw new IllegalStateException("the encoded stream was not read to its end");
            }
            digest = new ContentDigest(plain.sha256(), plain.count());
        }
        return digest;
    }
}
