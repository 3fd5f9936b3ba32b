package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** restore_command over two regions: the first good copy wins; "not found" only when both say so. */
class FallThroughWalFetchTest {

    private static final String SEGMENT = "000000010000000000000003";

    @TempDir
    Path temp;

    private final Map<String, BlobStore> stores = new HashMap<>();
    private final InMemoryBlobStore eu = store("eu");
    private final InMemoryBlobStore us = store("us");
    private final RepositorySet set = new RepositorySet(List.of(
            new RepositoryConfig("eu", "eu", true, Map.of()), new RepositoryConfig("us", "us", false, Map.of())), stores::get);

    @AfterEach
    void close() {
        set.close();
    }

    private InMemoryBlobStore store(String name) {
        InMemoryBlobStore store = new InMemoryBlobStore(name);
        Repository.initialize(store, TestRepositoryDescriptor.standard());
        stores.put(name, store);
        return store;
    }

    @Test
    void theFirstRepositoryThatHasTheFileDeliversIt() throws IOException {
        archive(eu, "from eu");
        archive(us, "from us");
        int usCalls = us.calls(InMemoryBlobStore.Operation.LIST) + us.calls(InMemoryBlobStore.Operation.GET);

        FallThroughWalFetch.Fetched fetched = fetch();

        assertThat(fetched.outcome()).isEqualTo(WalFetchService.Outcome.DELIVERED);
        assertThat(fetched.from()).isEqualTo("eu");
        assertThat(Files.readString(temp.resolve("RECOVERYXLOG"))).isEqualTo("from eu");
        // the second region was never even opened
        assertThat(us.calls(InMemoryBlobStore.Operation.LIST) + us.calls(InMemoryBlobStore.Operation.GET)).isEqualTo(usCalls);
    }

    @Test
    void aFileMissingFromTheFirstComesFromTheSecond() throws IOException {
        archive(us, "from us");

        FallThroughWalFetch.Fetched fetched = fetch();

        assertThat(fetched.from()).isEqualTo("us");
        assertThat(fetched.passedOver()).isEmpty();
        assertThat(Files.readString(temp.resolve("RECOVERYXLOG"))).isEqualTo("from us");
    }

    @Test
    void aCorruptCopyIsPassedOverAndNamed() throws IOException {
        ArchivedWal stored = archive(eu, "from eu");
        eu.put(stored.key(), BlobContent.of("garbage".getBytes()), PutMode.REPLACE);
        archive(us, "from us");

        FallThroughWalFetch.Fetched fetched = fetch();

        assertThat(fetched.from()).isEqualTo("us");
        assertThat(fetched.passedOver()).singleElement().asString().startsWith("eu: ").contains("corrupt");
        assertThat(Files.readString(temp.resolve("RECOVERYXLOG"))).isEqualTo("from us");
    }

    @Test
    void anUnreachableRepositoryIsPassedOver() throws IOException {
        eu.failWhen((op, key) -> true, Kind.TRANSIENT);
        archive(us, "from us");

        FallThroughWalFetch.Fetched fetched = fetch();

        assertThat(fetched.from()).isEqualTo("us");
        assertThat(fetched.passedOver()).singleElement().asString().startsWith("eu: ");
    }

    @Test
    void notFoundOnlyWhenEveryRepositoryAnsweredNotFound() {
        assertThat(fetch().outcome()).isEqualTo(WalFetchService.Outcome.NOT_FOUND);

        eu.failWhen((op, key) -> true, Kind.TRANSIENT);
        assertThatThrownBy(this::fetch).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE);
            assertThat(e.getMessage()).contains(SEGMENT).contains("eu: ").contains("not found");
            assertThat(e.hint()).contains("--repo-name");
        });
        assertThat(temp.resolve("RECOVERYXLOG")).doesNotExist();
    }

    @Test
    void aSingleRepositoryFailsWithItsOwnError() {
        eu.failWhen((op, key) -> true, Kind.TRANSIENT);
        try (RepositorySet single = RepositorySet.single("eu", stores::get)) {
            assertThatThrownBy(() -> new FallThroughWalFetch(single).fetch(SEGMENT, temp.resolve("RECOVERYXLOG")))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TRANSIENT));
        }
    }

    private FallThroughWalFetch.Fetched fetch() {
        return new FallThroughWalFetch(set).fetch(SEGMENT, temp.resolve("RECOVERYXLOG"));
    }

    private ArchivedWal archive(InMemoryBlobStore store, String content) throws IOException {
        Path file = Files.writeString(temp.resolve("src-" + store.location().substring(6)), content);
        Repository repository = Repository.open(store);
        repository.wal().push(SEGMENT, file, ObjectCodec.sha256(file), null);
        return repository.wal().find(SEGMENT).orElseThrow();
    }
}
