package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.EncodingStream;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
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
    private final Repository repository = Repository.initialize(store, TestRepositoryDescriptor.standard());
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

    @Test
    void afterAFailureNoOtherObjectTaskIsStillRunningWhenTheCallerGetsTheError() {
        List<BackupManifest.File> twoObjects = List.of(
                new BackupManifest.File("base/1/1", 1, "00", 0600, null, "data/x/000001.zst", 0, 1),
                new BackupManifest.File("base/1/2", 1, "00", 0600, null, "data/x/000002.zst", 0, 1));
        BackupManifest manifest = new BackupManifest(1, "20261120-140000F", BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1,
                "0/2000028", "0/2000100", "000000010000000000000002", "000000010000000000000002", Instant.EPOCH, Instant.EPOCH, 700,
                "label", null, new BackupManifest.Totals(2, 2, 2, 2), "test", "host", List.of(), List.of(), twoObjects);
        java.util.concurrent.atomic.AtomicBoolean slowTaskRunning = new java.util.concurrent.atomic.AtomicBoolean();

        assertThatThrownBy(() -> DataObjectReader.forEachObject(manifest, 2, "test", (key, files) -> {
            if (key.endsWith("000001.zst")) {
                slowTaskRunning.set(true);
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    long end = System.nanoTime() + 200_000_000L; // still writing its last file when told to stop
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                } finally {
                    slowTaskRunning.set(false);
                }
            } else {
                while (!slowTaskRunning.get()) {
                    Thread.onSpinWait();
                }
                throw new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + key, null);
            }
        })).hasMessageContaining("corrupt object data/x/000002.zst");
        assertThat(slowTaskRunning).as("the other task stopped before the error reached the caller").isFalse();
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
