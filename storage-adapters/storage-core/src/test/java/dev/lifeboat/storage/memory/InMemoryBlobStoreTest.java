package dev.lifeboat.storage.memory;

import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreConformanceTest;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.memory.InMemoryBlobStore.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryBlobStoreTest extends BlobStoreConformanceTest {

    @Override
    protected BlobStore newStore() {
        return new InMemoryBlobStore("conformance");
    }

    private InMemoryBlobStore memory() {
        return (InMemoryBlobStore) store;
    }

    @AfterEach
    void forgetNamedStores() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void aMemUriGivesTheSameStoreForTheSameName() {
        BlobStore first = BlobStores.open("mem://shared");
        first.put("k", content("v"), PutMode.CREATE_ONLY);
        first.close();

        try (BlobStore again = BlobStores.open("mem://shared"); BlobStore other = BlobStores.open("mem://other")) {
            assertThat(again).isSameAs(first);
            assertThat(again.location()).isEqualTo("mem://shared");
            assertThat(again.stat("k")).isPresent();
            assertThat(other.stat("k")).isEmpty();
        }

        InMemoryBlobStore.forgetAllNamed();
        assertThat(BlobStores.open("mem://shared").stat("k")).isEmpty();
    }

    @Test
    void aMemUriWithAPathIsRefused() {
        assertThat(kindOf(() -> BlobStores.open("mem://name/sub"))).isEqualTo(Kind.PERMANENT);
        assertThat(kindOf(() -> BlobStores.open("nosuch://x"))).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void failNextFailsThatManyCallsWithoutEffectThenRecovers() {
        memory().failNext(Operation.PUT, Kind.TRANSIENT, 2);

        assertThat(kindOf(() -> store.put("k", content("v"), PutMode.CREATE_ONLY))).isEqualTo(Kind.TRANSIENT);
        assertThat(kindOf(() -> store.put("k", content("v"), PutMode.CREATE_ONLY))).isEqualTo(Kind.TRANSIENT);
        assertThat(store.stat("k")).isEmpty();
        store.put("k", content("v"), PutMode.CREATE_ONLY);

        assertThat(read("k")).isEqualTo(utf8("v"));
        assertThat(memory().calls(Operation.PUT)).isEqualTo(3);
    }

    @Test
    void aLostReplyMeansThePutTookEffectButTheCallerSawATransientFailure() {
        memory().loseNextReplies(Operation.PUT, 1);

        assertThat(kindOf(() -> store.put("k", content("v"), PutMode.CREATE_ONLY))).isEqualTo(Kind.TRANSIENT);

        assertThat(read("k")).isEqualTo(utf8("v"));
    }

    @Test
    void failWhenFailsMatchingCallsUntilCleared() {
        memory().failWhen((operation, key) -> operation == Operation.GET && key.startsWith("wal/"), Kind.PERMANENT);
        store.put("wal/1", content("1"), PutMode.CREATE_ONLY);
        store.put("other", content("2"), PutMode.CREATE_ONLY);

        assertThat(kindOf(() -> store.get("wal/1"))).isEqualTo(Kind.PERMANENT);
        assertThat(kindOf(() -> store.get("wal/1", 0, 1))).isEqualTo(Kind.PERMANENT);
        assertThat(read("other")).isEqualTo(utf8("2"));

        memory().clearFaults();
        assertThat(read("wal/1")).isEqualTo(utf8("1"));
    }

    @Test
    void aKeyThatIsAlsoADirectoryIsRefusedAsOnAFilesystem() {
        store.put("a", content("x"), PutMode.CREATE_ONLY);
        store.put("d/x", content("x"), PutMode.CREATE_ONLY);

        assertThat(kindOf(() -> store.put("a/b", content("x"), PutMode.CREATE_ONLY))).isEqualTo(Kind.PERMANENT);
        assertThat(kindOf(() -> store.put("d", content("x"), PutMode.REPLACE))).isEqualTo(Kind.PERMANENT);
        assertThat(keys("")).containsExactly("a", "d/x");
    }

    @Test
    void lastModifiedComesFromTheClock() {
        Instant then = Instant.parse("2026-01-01T00:00:00Z");
        try (InMemoryBlobStore dated = new InMemoryBlobStore("dated", Clock.fixed(then, ZoneOffset.UTC))) {
            dated.put("k", content("v"), PutMode.CREATE_ONLY);

            assertThat(dated.stat("k")).map(BlobInfo::lastModified).contains(then);
        }
    }

    @Test
    void anOpenStreamKeepsTheBytesItStartedWith() throws IOException {
        store.put("k", content("old"), PutMode.CREATE_ONLY);

        try (InputStream in = store.get("k")) {
            store.put("k", content("new!"), PutMode.REPLACE);
            assertThat(in.readAllBytes()).isEqualTo(utf8("old"));
        }
    }

    @Test
    void clearRemovesEveryBlob() {
        store.put("a/1", content("1"), PutMode.CREATE_ONLY);

        memory().clear();

        assertThat(keys("")).isEmpty();
    }
}
