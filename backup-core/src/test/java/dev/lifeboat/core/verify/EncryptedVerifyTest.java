package dev.lifeboat.core.verify;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.Passphrase;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** verify on an encrypted repository names every object that fails authentication, and goes on with the others. */
class EncryptedVerifyTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");
    private static final Passphrase KEY = Passphrase.of("verify passphrase", "LIFEBOAT_PASSPHRASE");

    @TempDir
    Path temp;

    private final InMemoryBlobStore raw = new InMemoryBlobStore("encrypted");
    private Repository repository;

    @BeforeEach
    void encryptedRepository() throws IOException {
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        repository = Repository.initialize(raw, new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM, plain.created(),
                plain.createdBy(), WrappedKeyset.create(KEY, plain.systemIdentifier(), raw.location())), KEY);
        for (long n = 2; n <= 5; n++) {
            segment(n);
        }
    }

    @Test
    void anIntactEncryptedRepositoryPasses() {
        repository.backups().write(manifest("20261120-140000F", "000000010000000000000002"));

        assertThat(verify().passed()).as("%s", verify().problems()).isTrue();
    }

    @Test
    void aFlippedByteASwappedObjectAndADamagedManifestAreEachNamedAsFailingAuthentication() throws IOException {
        repository.backups().write(manifest("20261120-140000F", "000000010000000000000002"));
        repository.backups().write(manifest("20261120-150000F", "000000010000000000000002"));
        String flipped = walKey("000000010000000000000003");
        String swapped = walKey("000000010000000000000005");
        byte[] bytes = rawBytes(flipped);
        bytes[bytes.length / 2] ^= 0x40;
        raw.put(flipped, BlobContent.of(bytes), PutMode.REPLACE);
        raw.put(swapped, BlobContent.of(rawBytes(walKey("000000010000000000000004"))), PutMode.REPLACE);
        String manifest = RepositoryLayout.manifest("20261120-140000F");
        byte[] manifestBytes = rawBytes(manifest);
        manifestBytes[manifestBytes.length - 20] ^= 0x01;
        raw.put(manifest, BlobContent.of(manifestBytes), PutMode.REPLACE);

        VerifyResult result = verify();

        assertThat(result.passed()).isFalse();
        assertThat(result.problems()).extracting(VerifyResult.Problem::object).contains(flipped, swapped, manifest);
        assertThat(result.problems()).filteredOn(p -> List.of(flipped, swapped, manifest).contains(p.object())).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(VerifyResult.Kind.CORRUPT);
            assertThat(p.detail()).contains(p.object() + " in " + raw.location()).contains("failed authentication: it was tampered with");
        });
    }

    private VerifyResult verify() {
        return new VerifyService(repository).run(new VerifyRequest(null, 2, ProgressListener.NONE));
    }

    private String walKey(String name) {
        return repository.wal().find(name).orElseThrow().key();
    }

    private byte[] rawBytes(String key) throws IOException {
        try (InputStream in = raw.get(key)) {
            return in.readAllBytes();
        }
    }

    private static BackupManifest manifest(String id, String walFile) {
        return new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1, "0/2000028", "0/2000100",
                walFile, "000000010000000000000005", T0, T0.plusSeconds(5), 700, "label", null, new BackupManifest.Totals(0, 0, 0, 0),
                "test", "host", List.of(), List.of(), List.of());
    }

    private void segment(long number) throws IOException {
        String name = String.format("%08X%08X%08X", 1, 0, number);
        Path file = temp.resolve(name);
        Files.write(file, TestSegments.empty(name, repository.descriptor().systemIdentifier()));
        repository.wal().push(name, file, ObjectCodec.sha256(file), null);
    }
}
