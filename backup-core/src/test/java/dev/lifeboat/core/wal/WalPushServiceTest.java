package dev.lifeboat.core.wal;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

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

    private Repository repository(String name) {
        return Repository.initialize(new InMemoryBlobStore(name), new RepositoryDescriptor(1, WalSamples.expected("system.identifier"),
                15, "15.18", 16 << 20, new RepositoryDescriptor.Compression("zstd", 3), "none", Instant.now(), "test"));
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
