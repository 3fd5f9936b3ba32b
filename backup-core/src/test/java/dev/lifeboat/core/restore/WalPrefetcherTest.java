package dev.lifeboat.core.restore;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The restoring side of the spool protocol: what appears for the launcher, and what it answers. */
class WalPrefetcherTest {

    @TempDir
    Path temp;

    private InMemoryBlobStore store;
    private Repository repository;
    private Path pgdata;
    private Path spool;
    private final List<ArchivedWal> path = new ArrayList<>();
    private WalPrefetcher prefetcher;

    @BeforeEach
    void archiveOfSixSegments() throws IOException {
        store = new InMemoryBlobStore("prefetch");
        repository = Repository.initialize(store, TestRepositoryDescriptor.standard());
        for (int i = 1; i <= 6; i++) {
            String name = segment(i);
            Path file = Files.writeString(temp.resolve(name), content(name), StandardCharsets.UTF_8);
            repository.wal().push(name, file, ObjectCodec.sha256(file), null);
            path.add(repository.wal().find(name).orElseThrow());
        }
        pgdata = Files.createDirectories(temp.resolve("restored"));
        Files.createDirectories(pgdata.resolve("pg_wal"));
        spool = pgdata.resolve("pg_wal/.lifeboat/fetch");
    }

    @AfterEach
    void stop() {
        if (prefetcher != null) {
            prefetcher.close();
        }
    }

    @Test
    void theNextSegmentsWaitVerifiedInTheSpoolAndMoreFollowAsRecoveryTakesThem() throws Exception {
        start(3);
        await(() -> spooled().size() == 3);
        assertThat(spooled()).containsExactly(segment(1), segment(2), segment(3));
        assertThat(Files.readString(spool.resolve(segment(2)))).isEqualTo(content(segment(2)));
        assertThat(Files.readString(spool.resolve("repository")).strip()).isEqualTo("/srv/lifeboat/main");

        take(segment(1));
        take(segment(2));
        await(() -> spooled().contains(segment(5)));
        Thread.sleep(50);
        assertThat(spooled()).containsExactly(segment(3), segment(4), segment(5));
    }

    @Test
    void aSegmentRecoveryTookAndAsksForAgainIsDeliveredAgainAndKeptUntilTaken() throws Exception {
        start(2);
        await(() -> spooled().size() == 2);
        take(segment(1));
        take(segment(2));
        await(() -> spooled().contains(segment(4)));

        request(segment(2)); // PostgreSQL reads the last segment again when recovery ends
        await(() -> Files.exists(spool.resolve(segment(2))));
        Thread.sleep(100);
        assertThat(spool.resolve(segment(2))).as("not discarded as passed").exists();
        assertThat(spool.resolve("requests").resolve(segment(2))).doesNotExist();
    }

    @Test
    void requestsAreAnsweredWithTheFileOrMissingFromAFreshLookup() throws Exception {
        start(1);
        Path history = Files.writeString(temp.resolve("00000002.history"), "1\t0/5000000\tno recovery target specified\n");
        repository.wal().push("00000002.history", history, ObjectCodec.sha256(history), null);

        request("00000002.history");
        request("00000003.history");
        await(() -> Files.exists(spool.resolve("00000002.history")));
        await(() -> Files.exists(spool.resolve("missing/00000003.history")));
        assertThat(Files.readString(spool.resolve("00000002.history"))).startsWith("1\t0/5000000");
        assertThat(spool.resolve("missing/00000002.history")).doesNotExist();
        await(() -> !Files.exists(spool.resolve("requests/00000003.history")));
    }

    @Test
    void aCorruptSegmentNeverAppearsAndItsRequestIsAnsweredAsAFailure() throws Exception {
        ArchivedWal damaged = path.get(1);
        byte[] bytes;
        try (InputStream in = store.get(damaged.key())) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length - 8] ^= 0x01;
        store.put(damaged.key(), BlobContent.of(bytes), PutMode.REPLACE);

        start(3);
        await(() -> spooled().contains(segment(3)));
        assertThat(spooled()).doesNotContain(segment(2));
        request(segment(2));
        await(() -> Files.exists(spool.resolve("failed").resolve(segment(2))));
        assertThat(Files.readString(spool.resolve("failed").resolve(segment(2)))).contains("corrupt");
        assertThat(spool.resolve(segment(2))).doesNotExist();
    }

    @Test
    void closingRemovesTheSpoolSoThatTheLauncherAsksTheJvm() throws Exception {
        start(2);
        await(() -> spooled().size() == 2);
        prefetcher.close();
        prefetcher = null;
        assertThat(pgdata.resolve("pg_wal/.lifeboat")).doesNotExist();
        assertThat(pgdata.resolve("pg_wal")).isDirectory();
    }

    private void start(int depth) throws IOException {
        prefetcher = WalPrefetcher.start(repository, pgdata, dev.lifeboat.core.archive.LauncherRepository.of("/srv/lifeboat/main"), path, depth, 2);
    }

    private List<String> spooled() {
        try (Stream<Path> files = Files.list(spool)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.length() == 24).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** What the launcher does with a spooled file: move it to %p. */
    private void take(String name) throws IOException {
        Files.move(spool.resolve(name), pgdata.resolve("pg_wal/RECOVERYXLOG"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private void request(String name) throws IOException {
        Files.createFile(spool.resolve("requests").resolve(name));
    }

    private static String segment(int n) {
        return String.format("0000000100000000%08X", n);
    }

    private static String content(String name) {
        return "WAL of " + name + "\n".repeat(1000);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
