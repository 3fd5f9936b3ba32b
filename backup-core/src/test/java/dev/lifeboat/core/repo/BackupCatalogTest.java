package dev.lifeboat.core.repo;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupCatalogTest {

    private final InMemoryBlobStore store = new InMemoryBlobStore("catalog");
    private final Repository repository = Repository.initialize(store, descriptor("7441"));

    @Test
    void listsBackupsInWalOrderAndReadsOnlyTheirHeads() {
        repository.backups().write(manifest("20261120-150000F", "0/9000100", 5000));
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 5000));

        List<BackupManifest> listed = repository.backups().list();
        assertThat(listed).extracting(BackupManifest::id).containsExactly("20261120-140000F", "20261120-150000F");
        assertThat(listed.get(0).files()).isNull();
        assertThat(listed.get(0).totals().files()).isEqualTo(5000);

        BackupManifest whole = repository.backups().read("20261120-140000F");
        assertThat(whole.files()).hasSize(5000);
        assertThat(whole.withoutLists()).isEqualTo(listed.get(0));
    }

    @Test
    void aManifestIsNeverOverwritten() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 1));
        assertThatThrownBy(() -> repository.backups().write(manifest("20261120-140000F", "0/3000100", 2)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.ALREADY_EXISTS));
        assertThat(repository.backups().read("20261120-140000F").files()).hasSize(1);
    }

    @Test
    void aRepositoryIsForOneClusterOnly() {
        assertThatThrownBy(() -> Repository.initialize(store, descriptor("9999")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
                    assertThat(e.getMessage()).contains("belongs to cluster 7441");
                });
        assertThat(Repository.initialize(store, descriptor("7441")).descriptor().systemIdentifier()).isEqualTo("7441");
    }

    @Test
    void openingAStoreWithoutADescriptorSaysHowToCreateOne() {
        assertThatThrownBy(() -> Repository.open(new InMemoryBlobStore("empty")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
                    assertThat(e.hint()).contains("lifeboat init");
                });
    }

    private static RepositoryDescriptor descriptor(String systemId) {
        return new RepositoryDescriptor(1, systemId, 15, "15.18", 16 << 20, new RepositoryDescriptor.Compression("zstd", 3), "none",
                Instant.parse("2026-11-20T14:00:00Z"), "test");
    }

    private static BackupManifest manifest(String id, String stopLsn, int fileCount) {
        List<BackupManifest.File> files = new ArrayList<>();
        for (int i = 0; i < fileCount; i++) {
            files.add(new BackupManifest.File("base/1/" + (16384 + i), 8192, "ab".repeat(32), 0600,
                    Instant.parse("2026-11-20T13:00:00Z"), "data/" + id + "/000001.zst", i * 100L, 100));
        }
        return new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1, "0/2000028", stopLsn,
                "000000010000000000000002", "000000010000000000000003", Instant.parse("2026-11-20T14:00:00Z"),
                Instant.parse("2026-11-20T14:00:05Z"), 700, "label", null, new BackupManifest.Totals(fileCount, 8192L * fileCount, 100L * fileCount, 1),
                "test", "host", List.of(), List.of(new BackupManifest.Directory("base/1", 0700)), files);
    }
}
