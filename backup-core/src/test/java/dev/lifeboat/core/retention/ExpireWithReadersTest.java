package dev.lifeboat.core.retention;

import dev.lifeboat.core.jobs.LocalProcesses;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.lock.ReadLease;
import dev.lifeboat.core.lock.ReadLeaseHolder;
import dev.lifeboat.core.repo.BackupId;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.lifeboat.core.repo.BackupType.FULL;
import static dev.lifeboat.core.repo.BackupType.INCR;
import static dev.lifeboat.core.retention.SyntheticRepository.daysAgo;
import static dev.lifeboat.core.retention.SyntheticRepository.segmentName;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expire while a restore or drill reads a backup: the reader's lease keeps the backup, the
 * chain it builds on and the WAL from its start, and expire says why; a lease whose reader is
 * gone protects nothing and is removed; a reader that starts while expire runs keeps the data
 * it reads.
 */
class ExpireWithReadersTest {

    @TempDir
    Path temp;

    private SyntheticRepository r;
    private String f1;
    private String i1;
    private String f2;
    private String f3;
    private final List<ReadLease> leases = new ArrayList<>();

    /** Three fulls a week apart, the oldest with an incr on it; one WAL segment every 12 hours. */
    @BeforeEach
    void repository() {
        r = new SyntheticRepository(temp);
        r.segments(1, 1, 44, daysAgo(22), Duration.ofHours(12));
        f1 = BackupId.of(daysAgo(21), FULL);
        i1 = BackupId.of(daysAgo(18), INCR);
        f2 = BackupId.of(daysAgo(14), FULL);
        f3 = BackupId.of(daysAgo(7), FULL);
        r.backup(f1, FULL, null, 1, 3, 4, daysAgo(20.9));
        r.backup(i1, INCR, f1, 1, 9, 10, daysAgo(17.9));
        r.backup(f2, FULL, null, 1, 17, 18, daysAgo(13.9));
        r.backup(f3, FULL, null, 1, 31, 32, daysAgo(6.9));
    }

    @AfterEach
    void release() {
        leases.forEach(ReadLease::close);
    }

    @Test
    void aBackupBeingRestoredIsKeptWithItsChainAndWalAndExpireSaysWhy() {
        ReadLease restore = read(i1, "restore");
        var walFromF1 = r.walFrom(3);

        ExpireResult result = expire();

        assertThat(result.removedBackups()).containsExactly(f2);
        assertThat(ids()).containsExactly(f1, i1, f3);
        String reader = "being read by restore, pid " + ProcessHandle.current().pid() + " on host " + LocalProcesses.current().host();
        assertThat(decision(result, i1).reasons()).singleElement().asString().startsWith(reader);
        assertThat(decision(result, f1).reasons()).containsExactly("needed by " + i1);
        assertThat(result.walKeptFrom()).isEqualTo(segmentName(1, 3));
        assertThat(r.walFrom(3)).isEqualTo(walFromF1);
        assertThat(keys("data/" + f1)).hasSize(2);
        assertThat(keys("data/" + i1)).hasSize(2);
        assertThat(keys("data/" + f2)).isEmpty();

        restore.close();
        ExpireResult after = expire();
        assertThat(after.removedBackups()).containsExactly(f1, i1);
        assertThat(ids()).containsExactly(f3);
        assertThat(keys(RepositoryLayout.READ_LEASES_PREFIX)).isEmpty();
    }

    @Test
    void aDryRunShowsTheReaderAndRemovesNothing() {
        read(f1, "drill");
        List<String> before = keys("");

        ExpireResult result = new ExpireService(r.repository, KnownGoodBackups.NONE, r.clock)
                .run(new ExpireRequest(new RetentionPolicy(1, null, null, null), true));

        assertThat(result.removedBackups()).containsExactly(i1, f2);
        assertThat(decision(result, f1).reasons()).singleElement().asString().startsWith("being read by drill, pid ");
        assertThat(keys("")).isEqualTo(before);
    }

    @Test
    void leasesOfReadersThatAreGoneProtectNothingAndAreRemoved() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Instant started = Instant.now().minusSeconds(60);
        // killed on this host: its pid is gone, though its lease has not run out
        String killedHere = writeLease(i1, "restore", LocalProcesses.current().host(), gone.pid(), started, Instant.now().plusSeconds(600));
        // on another host, not renewed for longer than its lease
        String silentElsewhere = writeLease(f1, "drill", "other-host", 4242, started, Instant.now().minusSeconds(1));
        // on another host and renewing: live, whatever its pid means here
        String liveElsewhere = writeLease(f3, "drill", "other-host", 4243, started, Instant.now().plusSeconds(120));

        ExpireResult result = expire();

        assertThat(result.removedBackups()).containsExactly(f1, i1, f2);
        assertThat(keys(RepositoryLayout.READ_LEASES_PREFIX)).containsExactly(liveElsewhere);
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).startsWith("removed the stale read lease " + killedHere)
                .endsWith("(process " + gone.pid() + " is gone from this host)"));
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).startsWith("removed the stale read lease " + silentElsewhere)
                .contains("its lease expired at"));
        assertThat(decision(result, f3).reasons()).anySatisfy(reason -> assertThat(reason).startsWith("being read by drill, pid 4243 on host other-host"));
    }

    /**
     * The race the lease closes: a restore takes its lease and reads i1's manifest just before
     * expire (which planned without it) removes that manifest. Expire must notice the lease
     * before removing data, and leave i1's data, its parent's and the WAL in place.
     */
    @Test
    void aReaderThatStartsWhileExpireRunsKeepsTheDataItReads() {
        var walBefore = r.walFrom(1);
        String manifest = RepositoryLayout.manifest(i1);
        boolean[] started = {false};
        r.store.failWhen((op, key) -> {
            if (op == InMemoryBlobStore.Operation.DELETE && key.equals(manifest) && !started[0]) {
                started[0] = true;
                read(i1, "restore");
            }
            return false;
        }, StorageException.Kind.PERMANENT);

        ExpireResult result = expire();

        assertThat(started[0]).isTrue();
        assertThat(result.removedBackups()).containsExactly(f1, i1, f2);
        assertThat(ids()).containsExactly(f3);
        assertThat(keys("data/" + f1)).hasSize(2);
        assertThat(keys("data/" + i1)).hasSize(2);
        assertThat(keys("data/" + f2)).isEmpty();
        assertThat(r.walFrom(1)).isEqualTo(walBefore);
        assertThat(result.walFilesRemoved()).isZero();
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).startsWith("data of " + i1 + " was left in place: restore, pid "));
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).startsWith("data of " + f1 + " was left in place: restore, pid ")
                .contains("(reading " + i1 + ", which builds on it)"));

        // While the reader runs, the orphaned data and the WAL stay; once it is done, they go.
        r.clock.now = r.clock.now.plus(Duration.ofDays(2));
        ExpireResult again = expire();
        assertThat(keys("data/" + i1)).hasSize(2);
        assertThat(again.walFilesRemoved()).isZero();
        r.store.clearFaults();
        leases.forEach(ReadLease::close);
        ExpireResult done = expire();
        assertThat(done.orphans()).contains(f1, i1);
        assertThat(keys("data/" + f1)).isEmpty();
        assertThat(keys("data/" + i1)).isEmpty();
        assertThat(done.walFilesRemoved()).isPositive();
    }

    private ReadLease read(String backupId, String command) {
        ReadLease lease = ReadLease.take(r.store, backupId, command);
        assertThat(lease.unprotected()).isNull();
        leases.add(lease);
        return lease;
    }

    private String writeLease(String backupId, String command, String host, long pid, Instant started, Instant until) throws Exception {
        String id = Long.toHexString(pid);
        String key = RepositoryLayout.readLease(backupId, id);
        r.store.put(key, BlobContent.of(Json.mapper().writeValueAsBytes(new ReadLeaseHolder(1, id, backupId, command, host, pid, started,
                started, until))), PutMode.CREATE_ONLY);
        return key;
    }

    private ExpireResult expire() {
        return new ExpireService(r.repository, KnownGoodBackups.NONE, r.clock)
                .run(new ExpireRequest(new RetentionPolicy(1, null, null, null), false));
    }

    private static RetentionPlan.BackupDecision decision(ExpireResult result, String id) {
        return result.backups().stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
    }

    private List<String> ids() {
        return r.repository.backups().list().stream().map(BackupManifest::id).toList();
    }

    private List<String> keys(String prefix) {
        try (Stream<BlobInfo> all = r.store.list(prefix)) {
            return all.map(BlobInfo::key).toList();
        }
    }

}
