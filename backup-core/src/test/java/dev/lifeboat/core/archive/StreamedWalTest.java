package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
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
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamedWalTest {

    private static final String SEGMENT = "000000010000000000000007";
    private static final int SEGMENT_SIZE = 1 << 20;

    @TempDir
    Path temp;

    private InMemoryBlobStore store;
    private Repository repository;
    private Path growing;
    private byte[] wal;

    @BeforeEach
    void repository() throws IOException {
        store = new InMemoryBlobStore("streamed");
        repository = Repository.initialize(store, TestRepositoryDescriptor.builder().walSegmentSize(SEGMENT_SIZE).build());
        wal = new byte[SEGMENT_SIZE];
        new Random(7).nextBytes(wal);
        growing = Files.write(temp.resolve(SEGMENT + ".partial"), wal);
    }

    @Test
    void theNewestStreamedPartReplacesTheLastAndIsDeliveredAsAWholeZeroPaddedSegment() throws IOException {
        StreamedWal.of(repository).store(SEGMENT, growing, 1000, "0/70003E8");
        StreamedWal.of(repository).store(SEGMENT, growing, 5000, "0/7001388");

        assertThat(StreamedWal.of(repository).list()).extracting(StreamedWal.Streamed::segment).containsExactly(SEGMENT);
        StreamedWal.Streamed streamed = StreamedWal.of(repository).find(SEGMENT).orElseThrow();
        assertThat(streamed.key()).isEqualTo("stream/00000001/" + SEGMENT + ".zst");
        Path delivered = temp.resolve("RECOVERYXLOG");
        StreamedWal.Header header = StreamedWal.of(repository).fetch(streamed, delivered, SEGMENT_SIZE);

        assertThat(header.bytes()).isEqualTo(5000);
        assertThat(header.endLsn()).isEqualTo("0/7001388");
        byte[] got = Files.readAllBytes(delivered);
        assertThat(got).hasSize(SEGMENT_SIZE);
        assertThat(Arrays.copyOf(got, 5000)).isEqualTo(Arrays.copyOf(wal, 5000));
        assertThat(Arrays.copyOfRange(got, 5000, SEGMENT_SIZE)).containsOnly((byte) 0);
        assertThat(repository.wal().list(null)).as("never mistaken for an archived segment").isEmpty();

        StreamedWal.of(repository).delete(SEGMENT);
        assertThat(StreamedWal.of(repository).find(SEGMENT)).isEmpty();
    }

    @Test
    void aDamagedStreamedPartIsRefusedAsCorruptAndNothingIsDelivered() throws IOException {
        StreamedWal.of(repository).store(SEGMENT, growing, 200_000, "0/7030D40");
        String key = RepositoryLayout.streamedSegment(SEGMENT);
        byte[] stored;
        try (InputStream in = store.get(key)) {
            stored = in.readAllBytes();
        }
        stored[stored.length - 50] ^= 0x10;
        store.put(key, BlobContent.of(stored), PutMode.REPLACE);

        Path delivered = temp.resolve("RECOVERYXLOG");
        StreamedWal.Streamed streamed = StreamedWal.of(repository).find(SEGMENT).orElseThrow();
        assertThatThrownBy(() -> StreamedWal.of(repository).fetch(streamed, delivered, SEGMENT_SIZE))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT));
        assertThat(delivered).doesNotExist();
    }
}
