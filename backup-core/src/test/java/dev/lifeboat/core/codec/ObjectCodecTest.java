package dev.lifeboat.core.codec;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectCodecTest {

    private final ObjectCodec codec = new ObjectCodec(3);

    @Test
    void roundTripsContentAndReportsItsDigest() throws IOException {
        byte[] plain = tableLikeBytes(3_000_000);
        EncodingStream encoded = codec.encode(new ByteArrayInputStream(plain));
        byte[] stored = encoded.readAllBytes();
        ContentDigest digest = encoded.digest();

        assertThat(digest.size()).isEqualTo(plain.length);
        assertThat(digest.sha256()).isEqualTo(ObjectCodec.sha256(plain));
        assertThat(stored.length).isLessThan(plain.length / 2);
        try (InputStream in = codec.decodeVerified(new ByteArrayInputStream(stored), "obj", digest)) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void emptyContentRoundTrips() throws IOException {
        EncodingStream encoded = codec.encode(new ByteArrayInputStream(new byte[0]));
        byte[] stored = encoded.readAllBytes();
        assertThat(encoded.digest().size()).isZero();
        try (InputStream in = codec.decodeVerified(new ByteArrayInputStream(stored), "obj", encoded.digest())) {
            assertThat(in.readAllBytes()).isEmpty();
        }
    }

    @Test
    void aFlippedByteIsReportedAsCorruptionNamingTheObject() throws IOException {
        byte[] plain = tableLikeBytes(200_000);
        EncodingStream encoded = codec.encode(new ByteArrayInputStream(plain));
        byte[] stored = encoded.readAllBytes();
        stored[stored.length / 2] ^= 0x55;

        assertThatThrownBy(() -> {
            try (InputStream in = codec.decodeVerified(new ByteArrayInputStream(stored), "data/x/000001.zst", encoded.digest())) {
                in.readAllBytes();
            }
        }).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).contains("data/x/000001.zst");
        });
    }

    /** zstd's own words ("Truncated source", "Unknown frame descriptor") never reach the operator. */
    @Test
    void aTruncatedOrForeignObjectIsSaidInAnOperatorsWords() throws IOException {
        byte[] plain = tableLikeBytes(200_000);
        EncodingStream encoded = codec.encode(new ByteArrayInputStream(plain));
        byte[] stored = encoded.readAllBytes();
        byte[] truncated = java.util.Arrays.copyOf(stored, stored.length / 2);
        byte[] foreign = "PGDMP this is not what Lifeboat stored".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(decodingFailure(truncated, encoded.digest()))
                .isEqualTo("corrupt object wal/x.zst: truncated: it ends inside its compressed data");
        assertThat(decodingFailure(foreign, encoded.digest()))
                .isEqualTo("corrupt object wal/x.zst: it is not compressed data that Lifeboat stored (no zstd frame)");
    }

    private String decodingFailure(byte[] stored, ContentDigest digest) {
        try (InputStream in = codec.decodeVerified(new ByteArrayInputStream(stored), "wal/x.zst", digest)) {
            in.readAllBytes();
            throw new AssertionError("decoded");
        } catch (LifeboatException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getCause()).as("zstd's exception stays the cause, for --debug").isNotNull();
            return e.getMessage();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void contentThatDoesNotMatchTheRecordedChecksumIsRefused() throws IOException {
        byte[] plain = tableLikeBytes(10_000);
        byte[] stored = codec.encode(new ByteArrayInputStream(plain)).readAllBytes();
        ContentDigest wrong = new ContentDigest(ObjectCodec.sha256(new byte[]{1}), plain.length);

        assertThatThrownBy(() -> {
            try (InputStream in = codec.decodeVerified(new ByteArrayInputStream(stored), "obj", wrong)) {
                in.readAllBytes();
            }
        }).isInstanceOf(LifeboatException.class).hasMessageContaining("SHA-256");
    }

    @Test
    void readingByteByByteGivesTheSameStream() throws IOException {
        byte[] plain = tableLikeBytes(50_000);
        byte[] bulk = codec.encode(new ByteArrayInputStream(plain)).readAllBytes();
        EncodingStream single = codec.encode(new ByteArrayInputStream(plain));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int b; (b = single.read()) >= 0; ) {
            out.write(b);
        }
        assertThat(out.toByteArray()).isEqualTo(bulk);
    }

    /** Repetitive rows with some noise, like heap pages. */
    static byte[] tableLikeBytes(int size) {
        Random random = new Random(42);
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i % 97 < 60 ? 'a' + (i % 7) : random.nextInt(256));
        }
        return bytes;
    }
}
