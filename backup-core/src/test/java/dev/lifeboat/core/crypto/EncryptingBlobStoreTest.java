package dev.lifeboat.core.crypto;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncryptingBlobStoreTest {

    private static final String MARKER = "lifeboat-marker-7f3a9c";

    private final InMemoryBlobStore raw = new InMemoryBlobStore("bucket");
    private final DataKeyset keyset = DataKeyset.generate();
    private final EncryptingBlobStore store = new EncryptingBlobStore(raw, keyset, Set.of("lifeboat.json"));

    @Test
    void objectsRoundTripAcrossSegmentsAndAreStoredWithoutTheirPlaintext() throws IOException {
        byte[] plaintext = plaintext(3 * (1 << 20) + 12_345);
        store.put("data/b1/large", BlobContent.of(plaintext), PutMode.CREATE_ONLY);

        assertThat(read(store.get("data/b1/large"))).isEqualTo(plaintext);
        byte[] stored = read(raw.get("data/b1/large"));
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(MARKER);
        assertThat(new String(plaintext, StandardCharsets.ISO_8859_1)).contains(MARKER);
        assertThat(store.stat("data/b1/large")).map(BlobInfo::size).contains((long) plaintext.length);
        assertThat(raw.stat("data/b1/large")).map(BlobInfo::size).contains((long) stored.length);
    }

    @Test
    void plaintextSizesAreExactAtEverySegmentBoundary() {
        long first = DataKeyset.SEGMENT_BYTES - DataKeyset.HEADER_BYTES - DataKeyset.TAG_BYTES;
        long next = DataKeyset.SEGMENT_BYTES - DataKeyset.TAG_BYTES;
        for (long size : new long[] {0, 1, first - 1, first, first + 1, first + next - 1, first + next, first + next + 1}) {
            String key = "wal/size-" + size;
            store.put(key, BlobContent.of(new byte[(int) size]), PutMode.CREATE_ONLY);
            assertThat(store.stat(key)).as("stat of %d bytes", size).map(BlobInfo::size).contains(size);
            assertThat(read(store.get(key))).hasSize((int) size);
        }
    }

    @Test
    void rangedGetsReturnThePlaintextRange() {
        byte[] plaintext = plaintext(2 * (1 << 20));
        store.put("data/b1/packed", BlobContent.of(plaintext), PutMode.CREATE_ONLY);

        assertThat(read(store.get("data/b1/packed", 1_500_000, 10_000))).isEqualTo(Arrays.copyOfRange(plaintext, 1_500_000, 1_510_000));
        assertThat(read(store.get("data/b1/packed", plaintext.length + 5L, 10))).isEmpty();
    }

    @Test
    void theDescriptorAloneStaysInTheClear() {
        store.put("lifeboat.json", BlobContent.of(utf8("{\"format\":2}")), PutMode.CREATE_ONLY);
        store.put("locks/repository", BlobContent.of(utf8("{\"host\":\"db1\"}")), PutMode.CREATE_ONLY);

        assertThat(read(raw.get("lifeboat.json"))).isEqualTo(utf8("{\"format\":2}"));
        assertThat(new String(read(raw.get("locks/repository")), StandardCharsets.ISO_8859_1)).doesNotContain("db1");
    }

    @Test
    void aFlippedByteFailsAuthenticationNamingTheObject() {
        store.put("backups/b1/manifest.json", BlobContent.of(plaintext(200_000)), PutMode.CREATE_ONLY);
        byte[] stored = read(raw.get("backups/b1/manifest.json"));
        stored[150_000] ^= 0x01;
        raw.put("backups/b1/manifest.json", BlobContent.of(stored), PutMode.REPLACE);

        assertFailsAuthentication("backups/b1/manifest.json");
    }

    @Test
    void aTruncatedObjectFailsAuthentication() {
        store.put("wal/00000001/000000010000000000000003", BlobContent.of(plaintext(2 * (1 << 20) + 7)), PutMode.CREATE_ONLY);
        byte[] stored = read(raw.get("wal/00000001/000000010000000000000003"));
        // Cut exactly after the first two segments: every remaining segment is whole, only the last one is gone.
        raw.put("wal/00000001/000000010000000000000003", BlobContent.of(Arrays.copyOf(stored, 2 << 20)), PutMode.REPLACE);

        assertFailsAuthentication("wal/00000001/000000010000000000000003");
    }

    @Test
    void anObjectSwappedWithAnotherFailsAuthentication() {
        store.put("data/b1/a", BlobContent.of(utf8("content of a " + MARKER)), PutMode.CREATE_ONLY);
        store.put("data/b1/b", BlobContent.of(utf8("content of b " + MARKER)), PutMode.CREATE_ONLY);
        byte[] a = read(raw.get("data/b1/a"));
        raw.put("data/b1/b", BlobContent.of(a), PutMode.REPLACE);

        assertFailsAuthentication("data/b1/b");
        assertThat(read(store.get("data/b1/a"))).isEqualTo(utf8("content of a " + MARKER));
    }

    @Test
    void anObjectWrittenWithAnotherKeysetFailsAuthentication() {
        EncryptingBlobStore other = new EncryptingBlobStore(raw, DataKeyset.generate(), Set.of());
        other.put("history/00000002.history", BlobContent.of(utf8("1\t0/3000000\tno recovery target")), PutMode.CREATE_ONLY);

        assertFailsAuthentication("history/00000002.history");
    }

    @Test
    void anObjectStoredInTheClearFailsAuthentication() {
        raw.put("data/b1/planted", BlobContent.of(plaintext(5_000)), PutMode.CREATE_ONLY);

        assertFailsAuthentication("data/b1/planted");
    }

    private void assertFailsAuthentication(String key) {
        assertThatThrownBy(() -> read(store.get(key)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("object " + key + " in " + raw.location() + " failed authentication")
                .hasMessageContaining("tampered with, truncated, swapped");
    }

    private static byte[] plaintext(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        byte[] marker = utf8(MARKER);
        System.arraycopy(marker, 0, bytes, size / 2, marker.length);
        return bytes;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
