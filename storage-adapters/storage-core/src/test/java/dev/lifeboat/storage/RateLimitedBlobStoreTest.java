package dev.lifeboat.storage;

import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedBlobStoreTest {

    private final InMemoryBlobStore memory = new InMemoryBlobStore("limited");
    /** A clock that only the waits move, so the test measures waiting without doing it. */
    private long now;
    private long uploadedNanos;
    private long downloadedNanos;
    private final Bandwidth uploads = new Bandwidth(TransferRate.parse("1MB/s"), () -> now, n -> {
        uploadedNanos += n;
        now += n;
    });
    private final Bandwidth downloads = new Bandwidth(TransferRate.parse("2MB/s"), () -> now, n -> {
        downloadedNanos += n;
        now += n;
    });
    private final RateLimitedBlobStore store = new RateLimitedBlobStore(memory, uploads, downloads);

    @Test
    void putsWaitForTheUploadBudgetAndGetsForTheDownloadBudget() throws IOException {
        GeneratedContent content = GeneratedContent.of(3_000_000, 7);

        store.put("data/1", content, PutMode.CREATE_ONLY);
        try (InputStream in = store.get("data/1")) {
            assertThat(GeneratedContent.sha256(in)).isEqualTo(content.sha256());
        }

        // 3 MB at 1 MB/s up and at 2 MB/s down
        assertThat(uploadedNanos / 1e9).isBetween(2.9, 3.1);
        assertThat(downloadedNanos / 1e9).isBetween(1.4, 1.6);
    }

    @Test
    void rangedGetsAreLimitedToo() throws IOException {
        memory.put("data/2", GeneratedContent.of(2_000_000, 8), PutMode.CREATE_ONLY);

        try (InputStream in = store.get("data/2", 0, 1_000_000)) {
            assertThat(in.readAllBytes()).hasSize(1_000_000);
        }

        assertThat(downloadedNanos / 1e9).isBetween(0.45, 0.55);
    }

    @Test
    void withoutABudgetNothingWaits() throws IOException {
        RateLimitedBlobStore unlimited = new RateLimitedBlobStore(memory, null, null);
        unlimited.put("data/3", GeneratedContent.of(1_000_000, 9), PutMode.CREATE_ONLY);
        try (InputStream in = unlimited.get("data/3")) {
            in.readAllBytes();
        }

        assertThat(uploadedNanos + downloadedNanos).isZero();
    }
}
