package dev.lifeboat.storage;

import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import dev.lifeboat.storage.memory.InMemoryBlobStore.Operation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class RequestLoggingBlobStoreTest {

    private final InMemoryBlobStore memory = new InMemoryBlobStore("logged");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final RequestLoggingBlobStore store = new RequestLoggingBlobStore(memory, lines::add);

    @Test
    void everyRequestIsOneLineWithItsKeyBytesAndOutcome() throws IOException {
        store.put("wal/seg", BlobContent.of("segment".getBytes(StandardCharsets.US_ASCII)), PutMode.CREATE_ONLY);
        try (InputStream in = store.get("wal/seg")) {
            in.readAllBytes();
        }
        try (InputStream in = store.get("wal/seg", 2, 3)) {
            in.readAllBytes();
        }
        store.stat("wal/none");
        try (Stream<BlobInfo> listing = store.list("wal/")) {
            listing.forEach(b -> { });
        }
        store.delete("wal/seg");

        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("store PUT mem://logged wal/seg (create only) 7 B ").endsWith(" ok");
        assertThat(lines.get(1)).startsWith("store GET mem://logged wal/seg 7 B ").endsWith(" ok");
        assertThat(lines.get(2)).startsWith("store GET mem://logged wal/seg [2+3] 3 B ");
        assertThat(lines.get(3)).startsWith("store STAT mem://logged wal/none (absent) ");
        assertThat(lines.get(4)).startsWith("store LIST mem://logged 'wal/' ");
        assertThat(lines.get(5)).startsWith("store DELETE mem://logged wal/seg ");
    }

    @Test
    void belowTheRetryEveryFailedAttemptIsLoggedWithItsKind() {
        memory.failNext(Operation.PUT, Kind.TRANSIENT, 2);
        RetryingBlobStore retrying = new RetryingBlobStore(store, RetryPolicy.DEFAULT, d -> { }, () -> 0.0);

        retrying.put("wal/seg", BlobContent.of(new byte[10]), PutMode.CREATE_ONLY);

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("failed TRANSIENT");
        assertThat(lines.get(1)).contains("failed TRANSIENT");
        assertThat(lines.get(2)).endsWith(" ok");
    }

    @Test
    void aGetThatCannotOpenIsLoggedAtOnce() {
        Throwable thrown = catchThrowable(() -> store.get("absent"));

        assertThat(thrown).isInstanceOf(StorageException.class);
        assertThat(lines).singleElement().asString().contains("store GET mem://logged absent").contains("failed NOT_FOUND");
    }

    @Test
    void aLogThatFailsDoesNotFailTheRequest() {
        RequestLoggingBlobStore broken = new RequestLoggingBlobStore(memory, line -> {
            throw new IllegalStateException("stderr closed");
        });

        broken.put("k", BlobContent.of(new byte[1]), PutMode.CREATE_ONLY);

        assertThat(memory.stat("k")).isPresent();
    }

    @Test
    void theFullStackLogsTimeoutsToo() {
        BlobStore hanging = new ForwardingBlobStore(memory) {
            @Override
            public java.util.Optional<BlobInfo> stat(String key) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.stat(key);
            }
        };
        BlobStore logged = new RequestLoggingBlobStore(new TimeLimitedBlobStore(hanging, Duration.ofMillis(100)), lines::add);

        catchThrowable(() -> logged.stat("k"));

        assertThat(lines).singleElement().asString().contains("failed TRANSIENT").contains("no answer within 100 ms");
    }
}
