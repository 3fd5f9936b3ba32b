package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.WalSamples;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** archive_command's work on real segments: read into memory, or streamed when memory is short. */
class WalPushServiceTest {

    @TempDir
    Path temp;

    @Test
    void aSegmentPushedFromMemoryIsStoredExactlyAsOneStreamedFromItsFile() throws IOException {
        Repository inMemory = repository("in-memory");
        Repository streamed = repository("streamed");
        WalPushService fromMemory = new WalPushService(inMemory);
        WalPushService fromFile = new WalPushService(streamed, 0); // no memory to spare: every segment streams

        for (String name : WalSamples.segments()) {
            byte[] bytes = WalSamples.bytes(name);
            Path file = walFile(name, bytes);

            WalPushService.Result memoryResult = fromMemory.push(file);
            WalPushService.Result fileResult = fromFile.push(file);

            assertThat(memoryResult.outcome()).isEqualTo(WalArchive.PushOutcome.STORED);
            assertThat(memoryResult.sha256()).isEqualTo(ObjectCodec.sha256(bytes)).isEqualTo(fileResult.sha256());
            assertThat(fetch(inMemory, name)).isEqualTo(bytes).isEqualTo(fetch(streamed, name));
            WalSummary summary = summary(inMemory, name);
            assertThat(summary).isEqualTo(summary(streamed, name));
            assertThat(summary.commits()).isEqualTo(Long.parseLong(WalSamples.expected(name, "commits")));
            assertThat(fromMemory.push(file).outcome()).isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);
        }
    }

    @Test
    void theArrayReusedForTheNextSegmentNeverLeaksIntoTheOneStoredBefore() throws IOException {
        Repository repository = repository("reuse");
        WalPushService pusher = new WalPushService(repository, 16 << 20); // room for one segment: the same array every time
        byte[] first = WalSamples.bytes(WalSamples.FIRST);
        byte[] second = WalSamples.bytes(WalSamples.SECOND);

        pusher.push(walFile(WalSamples.FIRST, first));
        pusher.push(walFile(WalSamples.SECOND, second));

        assertThat(fetch(repository, WalSamples.FIRST)).isEqualTo(first);
        assertThat(fetch(repository, WalSamples.SECOND)).isEqualTo(second);
    }

    // --- a file that is not the segment its name says is refused, and nothing is stored ---

    @Test
    void anotherSegmentsContentUnderThisNameIsRefusedByItsPageAddress() throws IOException {
        Repository repository = repository("page-address");
        Path misnamed = walFile(WalSamples.FIRST, WalSamples.bytes(WalSamples.SECOND));

        assertThatThrownBy(() -> new WalPushService(repository).push(misnamed))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("000000010000000000000002 holds the WAL of 000000010000000000000003 (page address 0/3000000")
                .hasMessageContaining("nothing was stored");
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));
    }

    /** PostgreSQL's log showed "cannot read X: X": Java names only the path of a file it may not read. */
    @Test
    void aWalFileThatCannotBeReadIsNamedWithTheReasonAndAHint() throws IOException {
        Repository repository = repository("unreadable");
        Path directory = Files.createDirectories(temp.resolve("pg_wal-dir").resolve(WalSamples.FIRST));
        assertThatThrownBy(() -> new WalPushService(repository).push(directory))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE);
                    assertThat(e.getMessage()).isEqualTo("cannot read WAL file " + directory + ": Is a directory");
                    assertThat(e.hint()).contains("the user PostgreSQL runs as");
                });
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));

        // Root reads every file, so the reasons Java only hints at by type are checked directly.
        assertThat(LocalFileProblem.reason(new java.nio.file.AccessDeniedException(directory.toString()))).isEqualTo("permission denied");
        assertThat(LocalFileProblem.reason(new java.nio.file.NoSuchFileException(directory.toString())))
                .isEqualTo(directory + " does not exist");
        assertThat(LocalFileProblem.reason(new IOException("its size changed while it was read"))).isEqualTo("its size changed while it was read");
    }

    @Test
    void aFileOfTheWrongSizeIsRefused() throws IOException {
        Repository repository = repository("size");
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        Path shorter = walFile(WalSamples.FIRST, Arrays.copyOf(segment, 8 << 20));
        assertThatThrownBy(() -> new WalPushService(repository).push(shorter))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("000000010000000000000002 is 8388608 bytes, not a whole segment of 16 MiB");

        Path longer = walFile(WalSamples.FIRST, Arrays.copyOf(segment, (16 << 20) + 1));
        assertThatThrownBy(() -> new WalPushService(repository, 0).push(longer))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("is 16777217 bytes");
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));
    }

    @Test
    void anotherClustersSegmentIsRefusedByItsSystemIdentifier() throws IOException {
        Repository repository = Repository.initialize(new InMemoryBlobStore("other"),
                TestRepositoryDescriptor.builder().systemIdentifier("7000000000000000042").compressionLevel(3).build());
        Path file = walFile(WalSamples.FIRST, WalSamples.bytes(WalSamples.FIRST));

        assertThatThrownBy(() -> new WalPushService(repository).push(file))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY))
                .hasMessageContaining("is from cluster " + WalSamples.expected("system.identifier"));
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));
    }

    @Test
    void aHeaderWithAnotherSegmentSizeIsRefused() throws IOException {
        Repository repository = repository("segment-size");
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        LittleEndianWrite.u32(segment, 32, 32 << 20); // xlp_seg_size
        Path file = walFile(WalSamples.FIRST, segment);

        assertThatThrownBy(() -> new WalPushService(repository).push(file))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY))
                .hasMessageContaining("has segment size 33554432");
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));
        assertThat(WalSegmentMismatch.find(WalSegmentName.parse(WalSamples.FIRST), segment, segment.length, segment.length,
                new WalSegmentMismatch.Expected(null, WalSegmentSize.DEFAULT)))
                .hasValueSatisfying(m -> assertThat(m.detail()).contains("32 MiB segments"));
    }

    @Test
    void aPageOfALaterTimelineUnderAnEarlierTimelinesNameIsRefused() throws IOException {
        Repository repository = repository("later-timeline");
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        LittleEndianWrite.u32(segment, 4, 2); // xlp_tli
        Path file = walFile(WalSamples.FIRST, segment);

        assertThatThrownBy(() -> new WalPushService(repository).push(file))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("000000010000000000000002 holds WAL of timeline 2, later than the timeline 1 of its name");
        assertThat(keys(repository)).isEqualTo(List.of(RepositoryLayout.DESCRIPTOR));
    }

    @Test
    void theFirstSegmentOfANewTimelineMayCarryItsParentsTimeline() throws IOException {
        Repository repository = repository("switch");
        byte[] parentPages = WalSamples.bytes(WalSamples.FIRST); // xlp_tli 1, copied into timeline 2's first segment
        Path file = walFile("000000020000000000000002", parentPages);

        assertThat(new WalPushService(repository).push(file).outcome()).isEqualTo(WalArchive.PushOutcome.STORED);
        assertThat(fetch(repository, "000000020000000000000002")).isEqualTo(parentPages);
    }

    @Test
    void aValidSegmentIsStoredAndAnIdenticalRePushSucceeds() throws IOException {
        Repository repository = repository("valid");
        Path file = walFile(WalSamples.SECOND, WalSamples.bytes(WalSamples.SECOND));
        WalPushService pusher = new WalPushService(repository);

        assertThat(pusher.push(file).outcome()).isEqualTo(WalArchive.PushOutcome.STORED);
        assertThat(pusher.push(file).outcome()).isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);
        assertThat(new WalPushService(repository, true).push(file).outcome()).isEqualTo(WalArchive.PushOutcome.ALREADY_ARCHIVED);
    }

    @Test
    void aPartialSegmentMayBeShorterButNotAnotherSegment() throws IOException {
        Repository repository = repository("partial");
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        Path whole = walFile(WalSamples.FIRST + ".partial", segment);
        assertThat(new WalPushService(repository).push(whole).outcome()).isEqualTo(WalArchive.PushOutcome.STORED);

        Path shorter = walFile("000000020000000000000002.partial", Arrays.copyOf(segment, 1 << 20));
        assertThat(new WalPushService(repository).push(shorter).outcome()).isEqualTo(WalArchive.PushOutcome.STORED);

        Path misnamed = walFile(WalSamples.SECOND + ".partial", segment);
        assertThatThrownBy(() -> new WalPushService(repository).push(misnamed))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT))
                .hasMessageContaining("000000010000000000000003.partial holds the WAL of 000000010000000000000002");
    }

    // --- repair: a stored copy proven wrong is moved aside, a valid one never ---

    @Test
    void aStoredCopyProvenWrongIsNamedAndReplacedOnlyWhenAsked() throws IOException {
        Repository repository = repository("repair");
        byte[] wrong = WalSamples.bytes(WalSamples.SECOND);
        String wrongSha = ObjectCodec.sha256(wrong);
        // As a Lifeboat that did not check would have stored it:
        repository.wal().push(WalSamples.FIRST, walFile("elsewhere", wrong), wrongSha, null);
        String wrongKey = stored(repository, WalSamples.FIRST).key();
        byte[] real = WalSamples.bytes(WalSamples.FIRST);
        Path file = walFile(WalSamples.FIRST, real);

        assertThat(new ArchivedSegmentCheck(repository).check(stored(repository, WalSamples.FIRST)))
                .hasValueSatisfying(m -> assertThat(m.message())
                        .startsWith("000000010000000000000002 holds the WAL of 000000010000000000000003"));
        assertThatThrownBy(() -> new WalPushService(repository).push(file))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.hint()).contains("--replace-invalid");
                })
                .hasMessageContaining("the stored copy is not segment 000000010000000000000002: it holds the WAL of 000000010000000000000003");
        assertThat(stored(repository, WalSamples.FIRST).sha256()).isEqualTo(wrongSha);

        WalPushService repairing = new WalPushService(repository, true);
        assertThat(repairing.push(file).outcome()).isEqualTo(WalArchive.PushOutcome.STORED);

        assertThat(fetch(repository, WalSamples.FIRST)).isEqualTo(real);
        assertThat(repairing.replaced()).singleElement().asString().contains("moved " + wrongKey + " aside to quarantine/" + wrongKey);
        assertThat(keys(repository)).contains("quarantine/" + wrongKey).doesNotContain(wrongKey);
        assertThat(ObjectCodec.sha256(decodedQuarantine(repository, "quarantine/" + wrongKey))).isEqualTo(wrongSha);
    }

    @Test
    void aValidStoredSegmentIsNeverReplaced() throws IOException {
        Repository repository = repository("never");
        byte[] real = WalSamples.bytes(WalSamples.FIRST);
        new WalPushService(repository).push(walFile(WalSamples.FIRST, real));
        List<String> before = keys(repository);
        byte[] diverged = real.clone();
        diverged[diverged.length / 2] ^= 1; // same header, other content: a real conflict, not a misnamed file
        Path file = walFile(WalSamples.FIRST, diverged);

        WalPushService repairing = new WalPushService(repository, true);
        assertThatThrownBy(() -> repairing.push(file))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("already archived");
        assertThat(repairing.replaced()).isEmpty();
        assertThat(keys(repository)).isEqualTo(before);
        assertThat(fetch(repository, WalSamples.FIRST)).isEqualTo(real);
    }

    private static List<String> keys(Repository repository) {
        try (Stream<BlobInfo> all = repository.store().list("")) {
            return all.map(BlobInfo::key).sorted().toList();
        }
    }

    private static byte[] decodedQuarantine(Repository repository, String key) throws IOException {
        try (InputStream in = repository.codec().decode(repository.store().get(key), key)) {
            return in.readAllBytes();
        }
    }

    /** Writes little-endian header fields into a copy of a real segment. */
    private static final class LittleEndianWrite {
        static void u32(byte[] bytes, int offset, int value) {
            for (int i = 0; i < 4; i++) {
                bytes[offset + i] = (byte) (value >>> (8 * i));
            }
        }
    }

    private Repository repository(String name) {
        return Repository.initialize(new InMemoryBlobStore(name), TestRepositoryDescriptor.builder()
                .systemIdentifier(WalSamples.expected("system.identifier")).compressionLevel(3).build());
    }

    private Path walFile(String name, byte[] bytes) throws IOException {
        Path walDirectory = Files.createDirectories(temp.resolve("pg_wal"));
        return Files.write(walDirectory.resolve(name), bytes);
    }

    private byte[] fetch(Repository repository, String name) throws IOException {
        Path fetched = temp.resolve("fetched-" + repository.location().hashCode() + "-" + name);
        repository.wal().fetch(stored(repository, name), fetched);
        return Files.readAllBytes(fetched);
    }

    private static WalSummary summary(Repository repository, String name) {
        return repository.wal().summary(stored(repository, name)).orElseThrow();
    }

    private static ArchivedWal stored(Repository repository, String name) {
        return repository.wal().find(name).orElseThrow();
    }
}
