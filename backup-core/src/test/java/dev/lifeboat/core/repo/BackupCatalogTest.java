package dev.lifeboat.core.repo;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
    void corruptPagesAreInTheManifestHeadAndAManifestWithoutThemStillReads() {
        BackupManifest m = manifest("20261120-140000F", "0/3000100", 2);
        BackupManifest.PageChecksums found = new BackupManifest.PageChecksums(true, List.of(new BackupManifest.CorruptPages(
                "base/5/16384", 5, "postgres", 16384, "public.t", "main", 1, List.of("3"))));
        repository.backups().write(new BackupManifest(m.format(), m.id(), m.type(), m.parent(), m.systemIdentifier(), m.pgMajor(),
                m.pgVersion(), m.walSegmentSize(), m.timeline(), m.startLsn(), m.stopLsn(), m.startWalFile(), m.stopWalFile(),
                m.startTime(), m.stopTime(), m.stopNextXid(), m.backupLabel(), m.tablespaceMap(), m.totals(), m.lifeboatVersion(),
                m.host(), found, m.links(), m.directories(), m.files(), m.tablespaces()));
        repository.backups().write(manifest("20261120-150000F", "0/9000100", 2));

        List<BackupManifest> listed = repository.backups().list();
        assertThat(listed.get(0).pageChecksums()).isEqualTo(found);
        assertThat(listed.get(0).corruptPages().get(0).describe())
                .isEqualTo("relation public.t (database postgres, base/5/16384), fork main: block 3");
        assertThat(listed.get(1).pageChecksums()).as("written as before pages were checked").isNull();
        assertThat(listed.get(1).corruptPages()).isEmpty();
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
                    assertThat(e.hint()).contains("lifeboat init").contains("is its disk or share mounted?");
                });
    }

    @Test
    void aTruncatedManifestIsListedAsDamagedAndTheOtherBackupsStillList() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 5000));
        repository.backups().write(manifest("20261120-150000F", "0/9000100", 5000));
        String key = RepositoryLayout.manifest("20261120-150000F");
        byte[] stored = stored(key);
        replace(key, Arrays.copyOf(stored, stored.length * 3 / 4)); // the head is whole, the file list is cut

        BackupCatalog.Listing listing = repository.backups().listing();

        assertThat(listing.intact()).extracting(BackupManifest::id).containsExactly("20261120-140000F");
        assertThat(listing.damaged()).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo("20261120-150000F");
            assertThat(d.manifestKey()).isEqualTo(key);
            assertThat(d.reason()).isEqualTo("truncated");
            assertThat(d.manifestUnreadable()).isTrue();
        });
        assertThat(repository.backups().list()).extracting(BackupManifest::id).containsExactly("20261120-140000F");
        assertThatThrownBy(() -> repository.backups().read("20261120-150000F"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                    assertThat(e.getMessage()).isEqualTo("manifest " + key + " in " + store.location() + " is damaged: truncated");
                });
    }

    @Test
    void eachKindOfDamageIsSaidInAShortPhrase() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 3));
        replace(RepositoryLayout.manifest("20261120-141000F"), "not zstd at all".getBytes(StandardCharsets.UTF_8));
        replace(RepositoryLayout.manifest("20261120-142000F"), encoded("{\"format\": 1, \"id\": ["));
        replace(RepositoryLayout.manifest("20261120-143000F"), encoded("[1, 2, 3]"));
        replace(RepositoryLayout.manifest("20261120-144000F"), encoded("{\"format\": 7, \"id\": \"20261120-144000F\"}"));
        byte[] flipped = stored(RepositoryLayout.manifest("20261120-140000F"));
        flipped[flipped.length / 2] ^= 0x55;
        replace(RepositoryLayout.manifest("20261120-145000F"), flipped);

        assertThat(repository.backups().listing().damaged()).extracting(DamagedBackup::id, DamagedBackup::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("20261120-141000F", "cannot be decompressed"),
                org.assertj.core.groups.Tuple.tuple("20261120-142000F", "truncated"),
                org.assertj.core.groups.Tuple.tuple("20261120-143000F", "not a valid manifest"),
                org.assertj.core.groups.Tuple.tuple("20261120-144000F", "format 7 is newer than this Lifeboat understands"),
                org.assertj.core.groups.Tuple.tuple("20261120-145000F", "its content does not match its checksum"));
        assertThat(repository.backups().list()).extracting(BackupManifest::id).containsExactly("20261120-140000F");
    }

    /** JSON that reads, but is no manifest, or another backup's: damaged, whether listed or read whole (verify, restore). */
    @Test
    void aManifestThatIsNullOrAnotherBackupsIsDamaged() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 3));
        String nothing = RepositoryLayout.manifest("20261120-141000F");
        String another = RepositoryLayout.manifest("20261120-142000F");
        replace(nothing, encoded("null"));
        replace(another, stored(RepositoryLayout.manifest("20261120-140000F")));

        assertThat(repository.backups().listing().damaged()).extracting(DamagedBackup::id, DamagedBackup::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("20261120-141000F", "not a valid manifest"),
                org.assertj.core.groups.Tuple.tuple("20261120-142000F", "it holds the manifest of backup 20261120-140000F"));
        assertThatThrownBy(() -> repository.backups().read("20261120-141000F")).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).isEqualTo("manifest " + nothing + " in " + store.location() + " is damaged: not a valid manifest");
        });
        assertThatThrownBy(() -> repository.backups().read("20261120-142000F")).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).isEqualTo("manifest " + another + " in " + store.location()
                    + " is damaged: it holds the manifest of backup 20261120-140000F");
        });
        assertThat(repository.backups().list()).extracting(BackupManifest::id).containsExactly("20261120-140000F");
    }

    /**
     * Well-formed JSON whose lists restore must not follow: it failed with NullPointerExceptions
     * (exit 70), and a path with '..' made a restore run by root create files outside its destination.
     */
    @Test
    void aManifestWhoseEntriesLeaveTheDataDirectoryOrAreMissingIsDamaged() throws IOException {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 2));
        byte[] plain;
        try (InputStream in = repository.codec().decode(store.get(RepositoryLayout.manifest("20261120-140000F")), "m")) {
            plain = in.readAllBytes();
        }
        com.fasterxml.jackson.databind.node.ObjectNode whole = (com.fasterxml.jackson.databind.node.ObjectNode)
                dev.lifeboat.core.json.Json.mapper().readTree(plain);
        java.util.Map<String, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode>> edits = new java.util.LinkedHashMap<>();
        edits.put("files[0]: path '../../etc/cron.d/evil' is not inside the data directory",
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("files").get(0)).put("path", "../../etc/cron.d/evil"));
        edits.put("files[1]: path '/etc/passwd' is not inside the data directory",
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("files").get(1)).put("path", "/etc/passwd"));
        edits.put("files[0]: an entry is empty", m -> m.withArray("files").set(0, com.fasterxml.jackson.databind.node.NullNode.instance));
        edits.put("files[0]: an entry has no path", m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("files").get(0)).remove("path"));
        edits.put("files[0]: file base/1/1 names no data object ('wal/../x')",
                m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("files").get(0)).put("path", "base/1/1").put("object", "wal/../x"));
        edits.put("directories[0]: path 'base/../../x' is not inside the data directory",
                m -> m.putArray("directories").addObject().put("path", "base/../../x").put("mode", 448));
        edits.put("field 'files' is missing", m -> m.remove("files"));
        edits.put("field 'totals' is missing", m -> m.remove("totals"));
        int minute = 10;
        for (java.util.Map.Entry<String, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode>> edit : edits.entrySet()) {
            String id = "20261120-14" + (minute++) + "00F";
            com.fasterxml.jackson.databind.node.ObjectNode edited = whole.deepCopy().put("id", id);
            edit.getValue().accept(edited);
            replace(RepositoryLayout.manifest(id), encoded(edited.toString()));
            assertThatThrownBy(() -> repository.backups().read(id)).as(edit.getKey()).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                assertThat(e.getMessage()).isEqualTo("manifest " + RepositoryLayout.manifest(id) + " in " + store.location()
                        + " is damaged: " + edit.getKey());
            });
        }
        assertThat(repository.backups().read("20261120-140000F").files()).hasSize(2);
    }

    @Test
    void aBackupBuildingOnADamagedOrMissingBackupIsDamagedToo() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 3));
        repository.backups().write(child("20261120-150000I", "20261120-140000F", "0/5000100"));
        repository.backups().write(child("20261120-160000I", "20261120-150000I", "0/7000100"));
        repository.backups().write(child("20261120-170000I", "20261120-130000F", "0/9000100"));
        replace(RepositoryLayout.manifest("20261120-140000F"), new byte[]{1, 2, 3});

        BackupCatalog.Listing listing = repository.backups().listing();

        assertThat(listing.intact()).isEmpty();
        assertThat(listing.damaged()).extracting(DamagedBackup::id, DamagedBackup::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("20261120-140000F", "cannot be decompressed"),
                org.assertj.core.groups.Tuple.tuple("20261120-150000I", "parent 20261120-140000F is damaged"),
                org.assertj.core.groups.Tuple.tuple("20261120-160000I", "parent 20261120-150000I is damaged"),
                org.assertj.core.groups.Tuple.tuple("20261120-170000I", "parent 20261120-130000F is missing"));
        DamagedBackup grandchild = listing.damaged("20261120-160000I").orElseThrow();
        assertThat(grandchild.head().stopLsn()).as("what its own manifest still tells").isEqualTo("0/7000100");
        assertThat(grandchild.brokenObject()).isEqualTo(RepositoryLayout.manifest("20261120-140000F"));
        assertThat(listing.damaged("20261120-170000I").orElseThrow().brokenObject()).isEqualTo(RepositoryLayout.manifest("20261120-130000F"));
    }

    /** A connection that breaks while a manifest streams in says nothing about the manifest: no backup is called damaged. */
    @Test
    void aStoreFailingMidReadIsAStorageErrorNotDamage() {
        repository.backups().write(manifest("20261120-140000F", "0/3000100", 5000));
        BlobStore breaking = new ForwardingBlobStore(store) {
            @Override
            public InputStream get(String key) {
                InputStream whole = super.get(key);
                if (!key.startsWith(RepositoryLayout.BACKUPS_PREFIX)) {
                    return whole;
                }
                return new FilterInputStream(whole) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read > 100) {
                            throw new IOException("Connection reset");
                        }
                        int n = super.read(b, off, Math.min(len, 50));
                        read += Math.max(n, 0);
                        return n;
                    }
                };
            }
        };

        assertThatThrownBy(() -> Repository.open(breaking).backups().listing())
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE);
                    assertThat(e.getMessage()).contains("cannot read manifest backups/20261120-140000F.manifest").contains("Connection reset");
                });
    }

    private byte[] stored(String key) {
        try (var in = store.get(key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void replace(String key, byte[] content) {
        if (store.stat(key).isPresent()) {
            store.delete(key);
        }
        store.put(key, BlobContent.of(content), PutMode.CREATE_ONLY);
    }

    private byte[] encoded(String json) {
        try (var in = repository.codec().encode(new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BackupManifest child(String id, String parent, String stopLsn) {
        BackupManifest m = manifest(id, stopLsn, 2);
        return new BackupManifest(m.format(), id, BackupType.INCR, parent, m.systemIdentifier(), m.pgMajor(), m.pgVersion(),
                m.walSegmentSize(), m.timeline(), m.startLsn(), m.stopLsn(), m.startWalFile(), m.stopWalFile(), m.startTime(),
                m.stopTime(), m.stopNextXid(), m.backupLabel(), m.tablespaceMap(), m.totals(), m.lifeboatVersion(), m.host(),
                m.links(), m.directories(), m.files());
    }

    private static RepositoryDescriptor descriptor(String systemId) {
        return TestRepositoryDescriptor.builder().systemIdentifier(systemId).compressionLevel(3).build();
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
