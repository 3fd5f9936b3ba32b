package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.EncodingStream;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A pack of three files read front to back: damage in one is reported and the others still read. */
class DataObjectReaderTest {

    private static final String KEY = "data/20261120-140000F/000001.zst";

    private final InMemoryBlobStore store = new InMemoryBlobStore("reader");
    private final Repository repository = Repository.initialize(store, new RepositoryDescriptor(1, "7441", 15, "15.18", 16 << 20,
            new RepositoryDescriptor.Compression("zstd", 1), "none", Instant.parse("2026-11-20T14:00:00Z"), "test"));
    private final List<BackupManifest.File> files = new ArrayList<>();
    private byte[] pack;

    @Test
    void readsEveryFileOfAPackVerified() throws IOException {
        pack("base/1/1", "base/1/2", "base/1/3");
        store(pack);

        Map<String, String> read = readAll(null, new ArrayList<>());
        assertThat(read).containsExactly(Map.entry("base/1/1", content("base/1/1")), Map.entry("base/1/2", content("base/1/2")),
                Map.entry("base/1/3", content("base/1/3")));
    }

    @Test
    void aDamagedFileIsReportedByNameAndTheNextFilesAreStillRead() throws IOException {
        pack("base/1/1", "base/1/2", "base/1/3");
        BackupManifest.File middle = files.get(1);
        byte[] damaged = pack.clone();
        damaged[(int) (middle.offset() + middle.storedSize() / 2)] ^= 0x40;
        store(damaged);

        List<String> problems = new ArrayList<>();
        Map<String, String> read = readAll((file, problem) -> problems.add(file.path() + ": " + problem.getMessage()), problems);
        assertThat(problems).singleElement().satisfies(p -> assertThat(p).startsWith("base/1/2: corrupt object " + KEY + " (base/1/2)"));
        assertThat(read).containsKeys("base/1/1", "base/1/3").doesNotContainKey("base/1/2");

        assertThatThrownBy(() -> readAll(null, new ArrayList<>()))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                    assertThat(e.getMessage()).contains(KEY).contains("base/1/2");
                });
    }

    @Test
    void aTruncatedObjectNamesTheFilesItLostAndAMissingOneIsNotFound() throws IOException {
        pack("base/1/1", "base/1/2", "base/1/3");
        store(Arrays.copyOf(pack, (int) files.get(1).offset() - 3));

        List<String> problems = new ArrayList<>();
        Map<String, String> read = readAll((file, problem) -> problems.add(file.path() + ": " + problem.getMessage()), problems);
        assertThat(problems).satisfiesExactly(
                p -> assertThat(p).startsWith("base/1/1: corrupt object " + KEY),
                p -> assertThat(p).startsWith("base/1/2: corrupt object " + KEY).contains("the 2 files after it (from base/1/2 on) are lost"));
        assertThat(read).isEmpty();

        assertThatThrownBy(() -> new DataObjectReader(repository).read("data/20261120-140000F/000002.zst", files, (f, in) -> { }, null))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    private Map<String, String> readAll(DataObjectReader.DamageListener damage, List<String> problems) throws IOException {
        Map<String, String> read = new LinkedHashMap<>();
        new DataObjectReader(repository).read(KEY, files, (file, in) -> read.put(file.path(), new String(in.readAllBytes(),
                StandardCharsets.UTF_8)), damage);
        return read;
    }

    private void pack(String... paths) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String path : paths) {
            byte[] plain = content(path).getBytes(StandardCharsets.UTF_8);
            byte[] frame;
            ContentDigest digest;
            try (EncodingStream encoded = repository.codec().encode(new ByteArrayInputStream(plain))) {
                frame = encoded.readAllBytes();
                digest = encoded.digest();
            }
            files.add(new BackupManifest.File(path, plain.length, digest.sha256(), 0600, null, KEY, out.size(), frame.length));
            out.write(frame);
        }
        pack = out.toByteArray();
    }

    private void store(byte[] bytes) {
        store.put(KEY, BlobContent.of(bytes), PutMode.CREATE_ONLY);
    }

    private static String content(String path) {
        return (path + " holds some rows; ").repeat(200);
    }
}
