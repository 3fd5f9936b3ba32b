package dev.lifeboat.core.replicate;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.EncodingStream;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import dev.lifeboat.storage.memory.InMemoryBlobStore.Operation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** replicate: what B lacks is copied from A, checked, manifests last; running it again is harmless. */
class ReplicateServiceTest {

    private static final String BACKUP = "20261120-140000F";

    @TempDir
    Path temp;

    private final InMemoryBlobStore a = new InMemoryBlobStore("eu");
    private final InMemoryBlobStore b = new InMemoryBlobStore("us");
    private Repository source;

    @BeforeEach
    void sourceWithABackupAndWal() throws IOException {
        source = Repository.initialize(a, descriptor("7441"));
        for (int segment = 2; segment <= 5; segment++) {
            archive(String.format("0000000100000000000000%02X", segment), "segment " + segment + " " + "x".repeat(10_000));
        }
        writeBackup(source, BACKUP, "000000010000000000000002", "000000010000000000000003");
    }

    @Test
    void aNewTargetGetsEverythingByteForByte() {
        ReplicateResult result = replicate();

        assertThat(result.complete()).as(result.problems().toString()).isTrue();
        assertThat(result.initialized()).isTrue();
        assertThat(result.walCopied()).isEqualTo(4);
        assertThat(result.backupsCopied()).isEqualTo(1);
        assertThat(contents(b)).isEqualTo(contents(a));
        assertThat(Repository.open(b).backups().read(BACKUP).files()).hasSize(3);
    }

    @Test
    void runningItAgainCopiesNothing() {
        replicate();
        int[] puts = {0};
        b.failWhen((op, key) -> op == Operation.PUT && !key.startsWith(RepositoryLayout.LOCKS_PREFIX) && ++puts[0] < 0, Kind.PERMANENT);

        ReplicateResult again = replicate();

        assertThat(again.walCopied()).isZero();
        assertThat(again.walPresent()).isEqualTo(4);
        assertThat(again.backupsPresent()).isEqualTo(1);
        assertThat(puts[0]).as("puts other than the target's lock").isZero();
        assertThat(contents(b)).isEqualTo(contents(a)); // and the lock is gone again
    }

    @Test
    void aRunCutShortIsCompletedByTheNextAndTheBackupAppearsOnlyWhenWhole() {
        // The first run dies after a few objects: every put after the fourth fails for good.
        int[] puts = {0};
        b.failWhen((op, key) -> op == Operation.PUT && ++puts[0] > 4, Kind.PERMANENT);
        ReplicateResult cut = replicate();
        assertThat(cut.complete()).isFalse();
        assertThat(b.stat(RepositoryLayout.manifest(BACKUP))).isEmpty();

        b.clearFaults();
        ReplicateResult rest = replicate();

        assertThat(rest.complete()).as(rest.problems().toString()).isTrue();
        assertThat(contents(b)).isEqualTo(contents(a));
    }

    @Test
    void aBackupDamagedInTheSourceIsNamedAsNotCopiedAndTheRestIsCopied() throws IOException {
        String damaged = "20261121-140000F";
        writeBackup(source, damaged, "000000010000000000000004", "000000010000000000000005");
        byte[] manifest;
        try (InputStream in = a.get(RepositoryLayout.manifest(damaged))) {
            manifest = in.readAllBytes();
        }
        a.delete(RepositoryLayout.manifest(damaged));
        a.put(RepositoryLayout.manifest(damaged), BlobContent.of(Arrays.copyOf(manifest, manifest.length / 2)), PutMode.CREATE_ONLY);

        ReplicateResult result = replicate();

        assertThat(result.backupsCopied()).isEqualTo(1);
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.what()).isEqualTo(damaged);
            assertThat(p.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(p.message()).isEqualTo("backup " + damaged + " is damaged in mem://eu (truncated) and was not copied");
        });
        assertThat(b.stat(RepositoryLayout.manifest(damaged))).isEmpty();
        assertThat(Repository.open(b).backups().read(BACKUP).files()).hasSize(3);
    }

    @Test
    void aCorruptSourceObjectIsNeverCopiedAndItsBackupNotListed() throws IOException {
        String object = RepositoryLayout.dataObject(BACKUP, 1);
        byte[] bytes;
        try (InputStream in = a.get(object)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 0x5A;
        a.put(object, BlobContent.of(bytes), PutMode.REPLACE);

        ReplicateResult result = replicate();

        assertThat(result.problems()).extracting(ReplicateResult.Problem::code).contains(ErrorCode.CORRUPT);
        assertThat(b.stat(object)).isEmpty();
        assertThat(b.stat(RepositoryLayout.manifest(BACKUP))).isEmpty();
        assertThat(result.walCopied()).isEqualTo(4); // the rest still travels
    }

    @Test
    void aWalObjectThatIsNotTheSegmentItsNameSaysIsNeverCopied() throws IOException {
        Path misnamed = Files.write(temp.resolve("misnamed"), TestSegments.empty("000000010000000000000002", "7441"));
        source.wal().push("000000010000000000000009", misnamed, ObjectCodec.sha256(misnamed), null); // as an unchecking Lifeboat did

        ReplicateResult result = replicate();

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(p.message()).contains("is not segment 000000010000000000000009: it holds the WAL of 000000010000000000000002");
        });
        assertThat(Repository.open(b).wal().find("000000010000000000000009")).isEmpty();
    }

    @Test
    void aDifferentWalFileUnderTheSameNameInTheTargetIsAConflictNotAnOverwrite() throws IOException {
        Repository target = Repository.initialize(b, descriptor("7441"));
        Path other = Files.writeString(temp.resolve("other"), "a diverged segment 4");
        target.wal().push("000000010000000000000004", other, ObjectCodec.sha256(other), null);

        ReplicateResult result = replicate();

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(p.message()).contains("000000010000000000000004");
        });
        assertThat(target.wal().findAll("000000010000000000000004")).hasSize(1);
        assertThat(result.walCopied()).isEqualTo(3);
    }

    @Test
    void aTargetOfAnotherClusterIsRefused() {
        Repository.initialize(b, descriptor("9999"));

        assertThatThrownBy(this::replicate).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
            assertThat(e.getMessage()).contains("9999").contains("7441");
        });
    }

    private ReplicateResult replicate() {
        return new ReplicateService(source, b).run(new ReplicateRequest(3, ProgressListener.NONE));
    }

    private void archive(String name, String content) throws IOException {
        Path file = Files.write(temp.resolve(name), TestSegments.withContent(name, source.descriptor().systemIdentifier(), content));
        source.wal().push(name, file, ObjectCodec.sha256(file), null);
    }

    /** Every object of a store and the SHA-256 of its raw bytes. */
    private static Map<String, String> contents(InMemoryBlobStore store) {
        Map<String, String> all = new TreeMap<>();
        try (Stream<BlobInfo> blobs = store.list("")) {
            blobs.forEach(blob -> {
                try (InputStream in = store.get(blob.key())) {
                    all.put(blob.key(), ObjectCodec.sha256(in.readAllBytes()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return all;
    }

    /** A backup as BackupService writes one: a pack of two small files, a large file alone, then the manifest. */
    static void writeBackup(Repository repository, String id, String startWal, String stopWal) throws IOException {
        ObjectCodec codec = repository.codec();
        List<BackupManifest.File> files = new ArrayList<>();
        String pack = RepositoryLayout.dataObject(id, 1);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        for (String path : List.of("PG_VERSION", "global/pg_control")) {
            byte[] plain = (path + " contents").repeat(50).getBytes(StandardCharsets.US_ASCII);
            long offset = packed.size();
            ContentDigest digest = encodeInto(codec, plain, packed);
            files.add(file(path, digest, pack, offset, packed.size() - offset));
        }
        repository.store().put(pack, BlobContent.of(packed.toByteArray()), PutMode.CREATE_ONLY);
        String single = RepositoryLayout.dataObject(id, 2);
        ByteArrayOutputStream large = new ByteArrayOutputStream();
        byte[] plain = new byte[3_000_000];
        Arrays.fill(plain, (byte) 7);
        ContentDigest digest = encodeInto(codec, plain, large);
        files.add(file("base/1/16384", digest, single, 0, large.size()));
        repository.store().put(single, BlobContent.of(large.toByteArray()), PutMode.CREATE_ONLY);
        repository.backups().write(new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1,
                "0/2000028", "0/3000100", startWal, stopWal, Instant.parse("2026-11-20T14:00:00Z"),
                Instant.parse("2026-11-20T14:00:05Z"), 700, "label", null, new BackupManifest.Totals(3, 3_000_000, 100, 2),
                "test", "host", List.of(), List.of(new BackupManifest.Directory("base/1", 0700)), files));
    }

    private static ContentDigest encodeInto(ObjectCodec codec, byte[] plain, ByteArrayOutputStream out) throws IOException {
        try (EncodingStream encoded = codec.encode(new ByteArrayInputStream(plain))) {
            encoded.transferTo(out);
            return encoded.digest();
        }
    }

    private static BackupManifest.File file(String path, ContentDigest digest, String object, long offset, long storedSize) {
        return new BackupManifest.File(path, digest.size(), digest.sha256(), 0600, Instant.parse("2026-11-20T13:00:00Z"),
                object, offset, storedSize);
    }

    private static RepositoryDescriptor descriptor(String systemId) {
        return TestRepositoryDescriptor.builder().systemIdentifier(systemId).build();
    }
}
