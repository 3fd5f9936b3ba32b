package dev.lifeboat.core.verify;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain of an incremental backup and the WAL a backup needs, on a repository in memory. */
class VerifyServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    private Repository repository;

    @BeforeEach
    void repository() throws IOException {
        repository = Repository.initialize(new InMemoryBlobStore("verify"), TestRepositoryDescriptor.standard());
        segment(2);
    }

    @Test
    void anIncrementalBackupIsVerifiedWithItsParent() {
        backup("20261120-140000F", BackupType.FULL, null);
        backup("20261120-150000I", BackupType.INCR, "20261120-140000F");

        VerifyResult result = verify("20261120-150000I");

        assertThat(result.passed()).isTrue();
        assertThat(result.backups()).extracting(VerifyResult.Backup::id).containsExactly("20261120-150000I", "20261120-140000F");
        assertThat(result.walFiles()).as("a segment both need is read once").isEqualTo(1);
    }

    @Test
    void aMissingParentAndAMissingSegmentAreNamed() {
        backup("20261120-150000I", BackupType.INCR, "20261120-140000F");
        repository.backups().write(manifest("20261120-160000F", BackupType.FULL, null, "000000010000000000000003"));

        VerifyResult result = verify(null);

        assertThat(result.passed()).isFalse();
        assertThat(result.anyCorrupt()).isFalse();
        assertThat(result.problems()).extracting(VerifyResult.Problem::object)
                .containsExactlyInAnyOrder("backups/20261120-140000F.manifest", "000000010000000000000003");
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.kind()).isEqualTo(VerifyResult.Kind.MISSING));
    }

    @Test
    void walAfterTheBackupsEndIsVerifiedAndAMisnamedOrTruncatedObjectIsNamed() throws IOException {
        backup("20261120-140000F", BackupType.FULL, null);
        segment(3);
        store("000000010000000000000004", TestSegments.empty("000000010000000000000007", "7441")); // another segment's WAL
        segment(5);
        String truncated = repository.wal().find("000000010000000000000005").orElseThrow().key();
        byte[] stored;
        try (InputStream in = repository.store().get(truncated)) {
            stored = in.readAllBytes();
        }
        repository.store().put(truncated, BlobContent.of(Arrays.copyOf(stored, stored.length / 2)), PutMode.REPLACE);

        VerifyResult result = verify(null);

        assertThat(result.walFiles()).isEqualTo(4);
        assertThat(result.problems()).hasSize(2).allSatisfy(p -> assertThat(p.kind()).isEqualTo(VerifyResult.Kind.CORRUPT));
        assertThat(result.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("000000010000000000000004");
            assertThat(p.detail()).contains("is not segment 000000010000000000000004: it holds the WAL of 000000010000000000000007")
                    .contains("--replace-invalid");
        });
        assertThat(result.problems()).anySatisfy(p -> {
            assertThat(p.object()).isEqualTo(truncated);
            assertThat(p.detail()).startsWith("corrupt object " + truncated);
        });
    }

    private VerifyResult verify(String backupId) {
        return new VerifyService(repository).run(new VerifyRequest(backupId, 2, ProgressListener.NONE));
    }

    private void backup(String id, BackupType type, String parent) {
        repository.backups().write(manifest(id, type, parent, "000000010000000000000002"));
    }

    private static BackupManifest manifest(String id, BackupType type, String parent, String walFile) {
        return new BackupManifest(1, id, type, parent, "7441", 15, "15.18", 16 << 20, 1, "0/2000028", "0/2000100",
                walFile, walFile, T0, T0.plusSeconds(5), 700, "label", null, new BackupManifest.Totals(0, 0, 0, 0),
                "test", "host", List.of(), List.of(), List.of());
    }

    private void segment(long number) throws IOException {
        String name = String.format("%08X%08X%08X", 1, 0, number);
        store(name, TestSegments.empty(name, repository.descriptor().systemIdentifier()));
    }

    /** Stores content under a name as it is, as a Lifeboat that did not check the name would have. */
    private void store(String name, byte[] content) throws IOException {
        Path file = temp.resolve(name);
        Files.write(file, content);
        repository.wal().push(name, file, ObjectCodec.sha256(file), null);
    }
}
