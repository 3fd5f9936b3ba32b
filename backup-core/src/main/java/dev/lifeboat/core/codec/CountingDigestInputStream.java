package dev.lifeboat.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Passes bytes through while counting them and computing their SHA-256. */
final class CountingDigestInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private long count;
    private boolean ended;

    CountingDigestInputStream(InputStream in) {
        this(in, true);
    }

    /** Without hashing, when the caller already knows the checksum: it only counts. */
    CountingDigestInputStream(InputStream in, boolean hash) {
        super(in);
        this.digest = hash ? newSha256() : null;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            ended = true;
        } else {
            if (digest != null) {
                digest.update((byte) b);
            }
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            ended = true;
        } else if (n > 0) {
            if (digest != null) {
                digest.update(b, off, n);
            }
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skipping would miss bytes in the checksum");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    boolean ended() {
        return ended;
    }

    /** The hex SHA-256 of everything read; call once, after the end. */
    String sha256() {
        if (digest == null) {
            throw new IllegalStateException("this stream only counts");
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
