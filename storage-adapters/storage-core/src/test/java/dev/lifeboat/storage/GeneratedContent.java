package dev.lifeboat.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random content of any length, generated as it is read, so that tests can
 * store large blobs without holding them in memory, and check them by digest.
 */
public final class GeneratedContent implements BlobContent {

    private final long length;
    private final long seed;
    private final boolean lengthKnown;

    private GeneratedContent(long length, long seed, boolean lengthKnown) {
        this.length = length;
        this.seed = seed;
        this.lengthKnown = lengthKnown;
    }

    /** {@code length} bytes determined by {@code seed}, with the length declared. */
    public static GeneratedContent of(long length, long seed) {
        return new GeneratedContent(length, seed, true);
    }

    /** The same bytes, but declaring length -1 as a stream of unknown size does. */
    public GeneratedContent withUnknownLength() {
        return new GeneratedContent(length, seed, false);
    }

    /** The real number of bytes, whether or not it is declared. */
    public long size() {
        return length;
    }

    @Override
    public long length() {
        return lengthKnown ? length : -1;
    }

    @Override
    public InputStream open() {
        return new InputStream() {
            private long state = seed * 0x9E3779B97F4A7C15L + 1;
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] buffer, int offset, int count) {
                if (count == 0) {
                    return 0;
                }
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(count, length - position);
                for (int i = 0; i < n; i++) {
                    // xorshift64: fast and good enough to make every blob distinct
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    buffer[offset + i] = (byte) state;
                }
                position += n;
                return n;
            }
        };
    }

    /** The bytes, for small contents. */
    public byte[] bytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of these bytes, in hex. */
    public String sha256() {
        return sha256(open());
    }

    /** SHA-256 of what the stream yields, in hex; closes the stream. */
    public static String sha256(InputStream stream) {
        try (InputStream in = stream) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
