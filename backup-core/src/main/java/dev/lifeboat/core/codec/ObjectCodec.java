package dev.lifeboat.core.codec;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Turns plain content into the form stored in a repository and back: zstd frames (with
 * content checksums, but for WAL's), and a SHA-256 of the plain bytes that every read verifies. Encryption,
 * when on, happens below this codec, after compression: {@code dev.lifeboat.core.crypto.EncryptingBlobStore}.
 */
public final class ObjectCodec {

    /** zstd level 3: about 200 MB/s per core with a ratio close to level 6 on table files. */
    public static final int DEFAULT_LEVEL = 3;
    /** The levels a repository may use: zstd's ordinary ones, without the slow --ultra range. */
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 19;

    /**
     * zstd's hash table for WAL: 2^12 entries instead of level 1's 2^13 or more, so it stays in
     * the L1 cache; WAL repeats itself over short distances. Measured with zstd -b1 on the WAL
     * of bench/wal-archive.sh: the same ratio (2.88), 6% faster; on pgbench -i WAL: ratio 9.76
     * instead of 9.87, 4% faster.
     */
    private static final int WAL_HASH_LOG = 12;

    private final int level;
    /** 0: zstd's own choice for the level. */
    private final int hashLog;
    private final boolean frameChecksum;

    public ObjectCodec(int level) {
        this(level, 0, true);
    }

    private ObjectCodec(int level, int hashLog, boolean frameChecksum) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new IllegalArgumentException("zstd level must be " + MIN_LEVEL + ".." + MAX_LEVEL + ", not " + level);
        }
        this.level = level;
        this.hashLog = hashLog;
        this.frameChecksum = frameChecksum;
    }

    /**
     * The codec for WAL files at {@code level}, tuned for WAL's short-range repetition. Its frames
     * carry no checksum of their own: every WAL read is checked against the file's SHA-256 (its
     * object name carries it), and zstd's XXH64 pass would cost a push about a millisecond more.
     */
    public static ObjectCodec forWal(int level) {
        return new ObjectCodec(level, WAL_HASH_LOG, false);
    }

    public int level() {
        return level;
    }

    /** Wraps plain content; read the result to its end, then ask it for the digest. */
    public EncodingStream encode(InputStream plain) {
        CountingDigestInputStream counted = new CountingDigestInputStream(plain);
        return new EncodingStream(new ZstdCompressingInputStream(counted, newContext()), counted);
    }

    /** Wraps plain content whose checksum the caller already has (no second SHA-256 pass). */
    public InputStream encodeKnown(InputStream plain) {
        return new ZstdCompressingInputStream(plain, newContext());
    }

    /**
     * Compresses content held in memory in one call: a zstd frame like {@link #encodeKnown}'s,
     * for less CPU than streaming it (zstd need not copy the input into its window), at the
     * price of an output buffer as large as the input. This one allocates that buffer; a caller
     * that compresses many contents lends its own room to {@link #encodeWhole(byte[], int, byte[])}.
     */
    public Encoded encodeWhole(byte[] plain, int length) {
        Encoded frame = encodeWhole(plain, length, new byte[frameRoom(length)]);
        return new Encoded(Arrays.copyOf(frame.bytes(), frame.length()), frame.length());
    }

    /**
     * As {@link #encodeWhole(byte[], int)}, written into {@code room} (at least
     * {@link #frameRoom(int) frameRoom(length)} bytes), which the frame returned reads from: the
     * caller must not reuse the room while the frame is read.
     */
    public Encoded encodeWhole(byte[] plain, int length, byte[] room) {
        int bound = frameRoom(length);
        if (room.length < bound) {
            throw new IllegalArgumentException("a frame room of " + room.length + " bytes is less than the " + bound + " zstd may need");
        }
        try (ZstdCompressCtx ctx = newContext()) {
            int written = ctx.compressByteArray(room, 0, bound, plain, 0, length);
            return new Encoded(room, written);
        } catch (ZstdException e) {
            throw new IllegalStateException("zstd could not compress " + length + " bytes in memory: " + e.getMessage(), e);
        }
    }

    /** The room a frame of {@code length} plain bytes may need, compressed in one call (zstd's bound). */
    public static int frameRoom(int length) {
        return Math.toIntExact(Zstd.compressBound(length));
    }

    private ZstdCompressCtx newContext() {
        ZstdCompressCtx ctx = new ZstdCompressCtx().setLevel(level).setChecksum(frameChecksum);
        return hashLog == 0 ? ctx : ctx.setHashLog(hashLog);
    }

    /** A compressed frame: the first {@code length} bytes of {@code bytes}. */
    public record Encoded(byte[] bytes, int length) {
        public InputStream open() {
            return new ByteArrayInputStream(bytes, 0, length);
        }
    }

    /** An input stream that computes the SHA-256 of what passes through it. */
    public static HashingStream hashing(InputStream in) {
        return new HashingStream(new CountingDigestInputStream(in));
    }

    /** See {@link #hashing(InputStream)}. */
    public static final class HashingStream extends FilterInputStream {
        private final CountingDigestInputStream counted;

        private HashingStream(CountingDigestInputStream counted) {
            super(counted);
            this.counted = counted;
        }

        /** The hex SHA-256 of everything read so far (call once, at the end). */
        public String sha256() {
            return counted.sha256();
        }

        public long count() {
            return counted.count();
        }
    }

    /** The plain content of a stored object, without checking it against a digest. */
    public InputStream decode(InputStream stored, String objectName) {
        try {
            ZstdInputStreamNoFinalizer zstd = new ZstdInputStreamNoFinalizer(stored);
            return new CorruptionTranslatingInputStream(zstd, objectName);
        } catch (IOException e) {
            throw corrupt(objectName, "cannot start decompression: " + e.getMessage(), e);
        }
    }

    /**
     * The plain content of a stored object; reading past its end fails with
     * {@link ErrorCode#CORRUPT} naming the object when the size (unless negative: unknown)
     * or SHA-256 differ.
     */
    public InputStream decodeVerified(InputStream stored, String objectName, ContentDigest expected) {
        return new VerifyingInputStream(decode(stored, objectName), objectName, expected);
    }

    public static String sha256(Path file) {
        MessageDigest digest = CountingDigestInputStream.newSha256();
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(byte[] bytes) {
        return sha256(bytes, bytes.length);
    }

    /** The SHA-256 of the first {@code length} bytes. */
    public static String sha256(byte[] bytes, int length) {
        MessageDigest digest = CountingDigestInputStream.newSha256();
        digest.update(bytes, 0, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    static LifeboatException corrupt(String objectName, String detail, Throwable cause) {
        return new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + objectName + ": " + detail,
                "run 'lifeboat verify' to list every damaged object; restore from another repository or backup", cause);
    }

    /**
     * zstd's own wording ("Truncated source", "Unknown frame descriptor") in an operator's; the
     * zstd exception stays the cause, for --debug.
     */
    static String inWords(com.github.luben.zstd.ZstdIOException e) {
        String said = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (said.contains("truncated")) {
            return "truncated: it ends inside its compressed data";
        }
        if (said.contains("unknown frame descriptor") || said.contains("prefix unknown")) {
            return "it is not compressed data that Lifeboat stored (no zstd frame)";
        }
        if (said.contains("checksum")) {
            return "its compressed data does not match its own checksum";
        }
        return "its compressed data is damaged";
    }

    /** zstd reports a damaged frame as an IOException; callers must see it as corruption. */
    private static final class CorruptionTranslatingInputStream extends FilterInputStream {
        private final String objectName;

        CorruptionTranslatingInputStream(InputStream in, String objectName) {
            super(in);
            this.objectName = objectName;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (com.github.luben.zstd.ZstdIOException e) {
                throw corrupt(objectName, inWords(e), e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (com.github.luben.zstd.ZstdIOException e) {
                throw corrupt(objectName, inWords(e), e);
            }
        }
    }

    /** Checks size and SHA-256 when the plain content ends. */
    private static final class VerifyingInputStream extends FilterInputStream {
        private final CountingDigestInputStream counted;
        private final String objectName;
        private final ContentDigest expected;
        private boolean verified;

        VerifyingInputStream(InputStream plain, String objectName, ContentDigest expected) {
            this(new CountingDigestInputStream(plain), objectName, expected);
        }

        private VerifyingInputStream(CountingDigestInputStream counted, String objectName, ContentDigest expected) {
            super(counted);
            this.counted = counted;
            this.objectName = objectName;
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                verify();
            } else if (expected.size() >= 0 && counted.count() > expected.size()) {
                throw corrupt(objectName, "longer than the recorded " + expected.size() + " bytes", null);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                verify();
            } else if (expected.size() >= 0 && counted.count() > expected.size()) {
                throw corrupt(objectName, "longer than the recorded " + expected.size() + " bytes", null);
            }
            return n;
        }

        @Override
        public long skip(long n) {
            throw new UnsupportedOperationException("verified content is read whole");
        }

        private void verify() {
            if (verified) {
                return;
            }
            verified = true;
            if (expected.size() >= 0 && counted.count() != expected.size()) {
                throw corrupt(objectName, counted.count() + " bytes where " + expected.size() + " were recorded", null);
            }
            String actual = counted.sha256();
            if (!actual.equals(expected.sha256())) {
                throw corrupt(objectName, "SHA-256 " + actual + " where " + expected.sha256() + " was recorded", null);
            }
        }
    }
}
