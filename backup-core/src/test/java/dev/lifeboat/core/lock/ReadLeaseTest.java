package dev.lifeboat.core.lock;

import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A reader's lease: written before reading, renewed while reading, gone afterwards; never in the reader's way. */
class ReadLeaseTest {

    private final InMemoryBlobStore store = new InMemoryBlobStore("leases");

    @Test
    void aLeaseNamesTheBackupAndItsReaderAndIsGoneOnceClosed() {
        ReadLeaseHolder seen;
        try (ReadLease lease = ReadLease.take(store, "20261125-130501F", "restore")) {
            assertThat(lease.unprotected()).isNull();
            assertThat(lease.key()).startsWith("locks/readers/20261125-130501F.").endsWith(".lease");
            assertThat(keys()).containsExactly(lease.key());
            seen = Json.readIfPresent(store, lease.key(), ReadLeaseHolder.class).orElseThrow();
            ReadLeases.Listing listing = new ReadLeases(store).list();
            assertThat(listing.live()).containsExactly(seen);
            assertThat(listing.reads("20261125-130501F")).isTrue();
            assertThat(listing.stale()).isEmpty();
        }
        assertThat(seen.backupId()).isEqualTo("20261125-130501F");
        assertThat(seen.command()).isEqualTo("restore");
        assertThat(seen.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(seen.host()).isEqualTo(LocalProcesses.current().host());
        assertThat(keys()).isEmpty();
    }

    @Test
    void theLeaseIsRenewedWhileTheReaderWorks() throws InterruptedException {
        try (ReadLease lease = ReadLease.take(store, "20261125-130501F", "drill", Clock.systemUTC(), LocalProcesses.current(),
                Duration.ofSeconds(2), Duration.ofMillis(50))) {
            Instant first = Json.readIfPresent(store, lease.key(), ReadLeaseHolder.class).orElseThrow().leaseUntil();
            Thread.sleep(400);
            Instant later = Json.readIfPresent(store, lease.key(), ReadLeaseHolder.class).orElseThrow().leaseUntil();
            assertThat(later).isAfter(first);
        }
        assertThat(keys()).isEmpty();
    }

    @Test
    void aStoreThatRefusesWritesLetsTheReaderGoOnUnprotectedAndSaysSo() {
        store.failWhen((op, key) -> op == InMemoryBlobStore.Operation.PUT, StorageException.Kind.PERMANENT);
        try (ReadLease lease = ReadLease.take(store, "20261125-130501F", "restore")) {
            assertThat(lease.unprotected()).startsWith("cannot write the read lease " + lease.key() + " (")
                    .endsWith("): an expire running meanwhile may remove backup 20261125-130501F while it is read");
        }
        assertThat(keys()).isEmpty();
    }

    /** A lease with this process's pid that this process did not take: left by an earlier process whose pid was reused. */
    @Test
    void aLeaseOfThisPidNotTakenHereIsStale() throws Exception {
        Instant now = Instant.now();
        String key = RepositoryLayout.readLease("20261125-130501F", "0badf00d");
        store.put(key, BlobContent.of(Json.mapper().writeValueAsBytes(new ReadLeaseHolder(1, "0badf00d", "20261125-130501F", "drill",
                LocalProcesses.current().host(), ProcessHandle.current().pid(), now, now, now.plusSeconds(120)))), PutMode.CREATE_ONLY);

        ReadLeases.Listing listing = new ReadLeases(store).list();

        assertThat(listing.live()).isEmpty();
        assertThat(listing.stale()).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo(key);
            assertThat(s.why()).contains("a leftover of an earlier process with the same pid");
        });
    }

    private List<String> keys() {
        try (Stream<BlobInfo> all = store.list("locks/")) {
            return all.map(BlobInfo::key).toList();
        }
    }
}
