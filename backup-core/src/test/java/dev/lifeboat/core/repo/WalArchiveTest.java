package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalArchiveTest {

    private static final String SEGMENT = "000000010000000000000003";

    @TempDir
    Path temp;

    private InMemoryBlobStore store;
    private Repository repository;

    @BeforeEach
    void repository() {
        store = new InMemoryBlobStore("wal-archive");
        repository = Repository.initialize(store, TestRepositoryDescriptor.standard());
    }

    @Test
    void anIdenticalRePushSucceedsAndADifferentFileUnderTheSameNameIsRefused() throws IOException {
        Path original = file("original", "the real segment");
        assertThat(push(original)).isEqualTo(WalArchive.PushOutcome.STORED);
        assertThat(push(original)).isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);

        Path other = file("other", "a diverged segment");
        assertThatThrownBy(() -> push(other)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains(SEGMENT).contains("different content");
        });
        Path fetched = temp.resolve("fetched");
        repository.wal().fetch(repository.wal().find(SEGMENT).orElseThrow(), fetched);
        assertThat(Files.readString(fetched)).isEqualTo("the real segment");
    }

    @Test
    void theSummaryTravelsInFrontOfTheSegmentWithoutChangingItsContent() throws IOException {
        Path segment = file("seg", "x".repeat(100_000));
        WalSummary summary = new WalSummary(Instant.parse("2026-11-20T14:00:00Z"), Instant.parse("2026-11-20T14:00:09Z"), 3,
                700L, 702L, List.of(new WalSummary.RestorePoint("before_migration", "0/3000200", Instant.parse("2026-11-20T14:00:05Z"))),
                "0/3FFFFF8");
        repository.wal().push(SEGMENT, segment, ObjectCodec.sha256(segment), summary);

        ArchivedWal stored = repository.wal().find(SEGMENT).orElseThrow();
        assertThat(stored.key()).isEqualTo("wal/00000001/0000000100000000/" + SEGMENT + "-" + ObjectCodec.sha256(segment) + ".zst");
        assertThat(repository.wal().summary(stored)).contains(summary);
        Path fetched = temp.resolve("fetched");
        repository.wal().fetch(stored, fetched);
        assertThat(Files.readString(fetched)).isEqualTo("x".repeat(100_000));
    }

    @Test
    void walIsCompressedAtLevelOneWhateverLevelTheBackupsUse() throws IOException {
        Repository level19 = Repository.initialize(new InMemoryBlobStore("level-19"),
                TestRepositoryDescriptor.builder().compressionLevel(19).build());
        StringBuilder text = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        while (text.length() < 400_000) {
            text.append(Long.toHexString(random.nextLong() & 0xFFFFFL)).append(" row ").append(random.nextInt(1000)).append('\n');
        }
        Path segment = file("wal-like", text.toString());
        level19.wal().push(SEGMENT, segment, ObjectCodec.sha256(segment), null);

        long stored = level19.wal().find(SEGMENT).orElseThrow().storedSize();
        assertThat(stored).isEqualTo(encodedSize(ObjectCodec.forWal(1), segment)).isNotEqualTo(encodedSize(new ObjectCodec(19), segment));
        Path fetched = temp.resolve("fetched-19");
        level19.wal().fetch(level19.wal().find(SEGMENT).orElseThrow(), fetched);
        assertThat(Files.readString(fetched)).isEqualTo(text.toString());
    }

    private static long encodedSize(ObjectCodec codec, Path file) throws IOException {
        try (InputStream in = codec.encodeKnown(Files.newInputStream(file))) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    @Test
    void aCorruptCopyIsReportedAndLeavesNoFileBehind() throws IOException {
        Path segment = file("seg", "y".repeat(50_000));
        push(segment);
        ArchivedWal stored = repository.wal().find(SEGMENT).orElseThrow();
        byte[] bytes;
        try (InputStream in = store.get(stored.key())) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length - 6] ^= 0x40;
        store.put(stored.key(), BlobContent.of(bytes), PutMode.REPLACE);

        Path destination = temp.resolve("RECOVERYXLOG");
        assertThatThrownBy(() -> repository.wal().fetch(stored, destination))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT));
        assertThat(destination).doesNotExist();
        try (var files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("lifeboat-tmp"));
        }
    }

    /** Java named only the temporary file it could not create: "cannot write X: .../.X.lifeboat-tmp". */
    @Test
    void aDestinationWhoseDirectoryIsMissingIsSaidSo() throws IOException {
        push(file("seg", "the real segment"));
        Path nowhere = temp.resolve("no-such-dir");
        Path destination = nowhere.resolve("RECOVERYXLOG");
        assertThatThrownBy(() -> repository.wal().fetch(repository.wal().find(SEGMENT).orElseThrow(), destination))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE);
                    assertThat(e.getMessage()).isEqualTo("cannot write " + destination + ": directory " + nowhere + " does not exist");
                });
        assertThat(nowhere).doesNotExist();
    }

    @Test
    void historyAndBackupHistoryFilesAreStoredByTimeline() throws IOException {
        Path history = file("h", "1\t0/5000000\tno recovery target specified\n");
        repository.wal().push("00000002.history", history, ObjectCodec.sha256(history), null);
        Path backupHistory = file("b", "START WAL LOCATION: 0/2000028");
        repository.wal().push("000000010000000000000002.00000028.backup", backupHistory, ObjectCodec.sha256(backupHistory), null);

        assertThat(repository.wal().find("00000002.history").orElseThrow().key()).startsWith("wal/00000002/00000002.history-");
        assertThat(repository.wal().find("000000010000000000000002.00000028.backup")).isPresent();
        assertThat(repository.wal().find("000000010000000000000002")).isEmpty();
        assertThat(repository.wal().find("00000003.history")).isEmpty();
    }

    @Test
    void namesThatAreNotWalFilesAreRefused() {
        assertThat(WalArchive.isArchivableName("000000010000000000000003")).isTrue();
        assertThat(WalArchive.isArchivableName("000000010000000000000003.partial")).isTrue();
        assertThat(WalArchive.isArchivableName("RECOVERYXLOG")).isFalse();
        assertThat(WalArchive.isArchivableName("00000001000000000000000g")).isFalse();
        assertThatThrownBy(() -> repository.wal().find("../../etc/passwd")).isInstanceOf(LifeboatException.class);
    }

    private WalArchive.PushOutcome push(Path file) {
        return repository.wal().push(SEGMENT, file, ObjectCodec.sha256(file), null);
    }

    private Path file(String name, String content) throws IOException {
        Path p = temp.resolve(name);
        Files.writeString(p, content);
        return p;
    }
}
