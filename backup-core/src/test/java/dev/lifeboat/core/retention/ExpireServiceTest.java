package dev.lifeboat.core.retention;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.BackupId;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestorePlan;
import dev.lifeboat.core.restore.RestorePlanner;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static dev.lifeboat.core.repo.BackupType.DIFF;
import static dev.lifeboat.core.repo.BackupType.FULL;
import static dev.lifeboat.core.repo.BackupType.INCR;
import static dev.lifeboat.core.retention.SyntheticRepository.NOW;
import static dev.lifeboat.core.retention.SyntheticRepository.daysAgo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The retention matrix on synthetic repositories: chains of full, diff and incr backups with
 * WAL, expired under different policies. After every expire, each listed backup must still
 * plan a restore (its chain, data objects and WAL to consistency are all there), the promised
 * point-in-time window must stay reachable, and the known-good backup must survive.
 */
class ExpireServiceTest {

    @TempDir
    Path temp;

    private SyntheticRepository r;

    @BeforeEach
    void repository() {
        r = new SyntheticRepository(temp);
    }

    /** Weekly fulls with a diff and incrs, one WAL segment every six hours, 28 days long. */
    private void fourWeeksOfChains() {
        r.segments(1, 1, 4 * 28 + 4, daysAgo(28), Duration.ofHours(6));
        // week 1 .. 4: full on day 0, diff on day 3 (on the full), incr on day 5 (on the diff)
        for (int week = 0; week < 4; week++) {
            long base = 1 + week * 28L;
            String f = id(week, 0, "F");
            String d = id(week, 3, "D");
            String i = id(week, 5, "I");
            r.backup(f, FULL, null, 1, base, base + 1, daysAgo(28 - 7 * week - 0.25));
            r.backup(d, DIFF, f, 1, base + 12, base + 12, daysAgo(28 - 7 * week - 3.1));
            r.backup(i, INCR, d, 1, base + 20, base + 20, daysAgo(28 - 7 * week - 5.1));
        }
    }

    /** Ids as the backups would have been named: their start time and type. */
    private static String id(int week, int day, String type) {
        return BackupId.of(daysAgo(28 - 7 * week - day - 0.5), BackupType.parse(switch (type) {
            case "F" -> "full";
            case "D" -> "diff";
            default -> "incr";
        }));
    }

    @Test
    void keepTwoFullsKeepsTheirWholeChainsAndRemovesOlderChainsWithTheirWal() {
        fourWeeksOfChains();
        List<String> before = ids();

        ExpireResult result = expire(new RetentionPolicy(2, null, null, null));

        assertThat(result.removedBackups()).containsExactlyElementsOf(before.subList(0, 6));
        assertThat(ids()).containsExactlyElementsOf(before.subList(6, 12));
        assertThat(result.walKeptFrom()).isEqualTo(SyntheticRepository.segmentName(1, 1 + 2 * 28));
        assertThat(result.walFilesRemoved()).isEqualTo(2 * 28);
        assertEveryListedBackupRestorable();
    }

    @Test
    void aKeptIncrementalKeepsTheChainItBuildsOnWhateverTheCountSays() {
        fourWeeksOfChains();
        // Only the newest incr ended within the last 2 days; it needs its diff and full.
        ExpireResult result = expire(new RetentionPolicy(null, Duration.ofDays(2), null, null));

        List<String> kept = ids();
        assertThat(kept).hasSize(3);
        assertThat(result.backups()).filteredOn(RetentionPlan.BackupDecision::keep)
                .anySatisfy(b -> assertThat(b.reasons()).anyMatch(reason -> reason.startsWith("needed by")));
        assertEveryListedBackupRestorable();
    }

    @Test
    void everyPointOfThePitrWindowStaysReachable() {
        fourWeeksOfChains();
        ExpireResult result = expire(new RetentionPolicy(1, null, Duration.ofDays(10), null));

        // The window opens 10 days ago: the newest backup that ended before then is week 2's incr
        // (ended 11.1 days ago), kept with its diff and full; weeks 3 and 4 count as "newest full".
        assertThat(result.backups()).filteredOn(RetentionPlan.BackupDecision::keep)
                .anySatisfy(b -> assertThat(b.reasons()).anyMatch(reason -> reason.contains("point-in-time window")));
        for (double daysBack : new double[]{9.99, 7, 3.5, 0.3}) {
            Instant point = NOW.minusSeconds((long) (daysBack * 86400));
            RestorePlan plan = new RestorePlanner(r.repository).plan(new RecoveryTarget.Time(point), null, null);
            assertThat(plan.backup().stopTime()).isBefore(point);
        }
        assertEveryListedBackupRestorable();
    }

    @Test
    void theNewestKnownGoodBackupSurvivesTheCount() {
        fourWeeksOfChains();
        String provenIncr = ids().get(5); // week 2's incr: needs its diff and full too
        ExpireResult result = new ExpireService(r.repository, () -> List.of(provenIncr, ids().get(0)), r.clock)
                .run(new ExpireRequest(new RetentionPolicy(1, null, null, null), false));

        assertThat(ids()).contains(provenIncr, ids().get(3), ids().get(4)).doesNotContain(result.removedBackups().toArray(String[]::new));
        assertThat(result.removedBackups()).hasSize(3 + 3); // week 1 (older than the proven one) and week 3 go
        assertThat(result.backups()).filteredOn(b -> b.id().equals(provenIncr))
                .singleElement().satisfies(b -> assertThat(b.reasons()).contains("newest known-good backup"));
        assertEveryListedBackupRestorable();
    }

    @Test
    void backupsAreOrderedByTheirRecordedLsnNotTheirNames() {
        r.segments(1, 1, 12, daysAgo(3), Duration.ofHours(6));
        // A clock that ran ahead named the older backup as if it were newer.
        r.backup("20261130-000000F", FULL, null, 1, 2, 3, daysAgo(2.5));
        r.backup("20261124-000000F", FULL, null, 1, 8, 9, daysAgo(1));

        ExpireResult result = expire(new RetentionPolicy(1, null, null, null));

        assertThat(result.removedBackups()).containsExactly("20261130-000000F");
        assertThat(ids()).containsExactly("20261124-000000F");
        assertEveryListedBackupRestorable();
    }

    @Test
    void walOnATimelineAKeptBackupsPathNeedsStays() {
        r.segments(1, 1, 12, daysAgo(5), Duration.ofHours(6));
        r.history(2, "1\t0/6000000\tbranch\n");
        r.segments(2, 6, 14, daysAgo(3), Duration.ofHours(6));
        r.backup("20261120-000000F", FULL, null, 1, 2, 2, daysAgo(4.5));
        r.backup("20261121-000000F", FULL, null, 1, 4, 5, daysAgo(4));      // before the branch: on timeline 2's path
        r.backup("20261123-000000F", FULL, null, 2, 10, 10, daysAgo(1));

        ExpireResult result = expire(new RetentionPolicy(1, null, Duration.ofDays(2), null));

        // The window (2 days) starts before timeline 2's backup ended: its base is the timeline-1
        // backup before the branch, so timeline 1's WAL from segment 4 must stay.
        assertThat(result.removedBackups()).containsExactly("20261120-000000F");
        assertThat(result.walKeptFrom()).isEqualTo(SyntheticRepository.segmentName(1, 4));
        assertThat(r.repository.wal().find(SyntheticRepository.segmentName(1, 4))).isPresent();
        assertThat(r.repository.wal().find(SyntheticRepository.segmentName(1, 3))).isEmpty();
        assertThat(r.repository.wal().find("00000002.history")).isPresent();
        RestorePlan plan = new RestorePlanner(r.repository).plan(new RecoveryTarget.Time(daysAgo(1.9)), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261121-000000F");
        assertEveryListedBackupRestorable();
    }

    @Test
    void theNewestBackupIsKeptEvenWhenNoRuleWantsIt() {
        r.segments(1, 1, 6, daysAgo(40), Duration.ofHours(6));
        r.backup("20261015-000000F", FULL, null, 1, 2, 2, daysAgo(40));
        r.backup("20261016-000000F", FULL, null, 1, 4, 4, daysAgo(39));

        ExpireResult result = expire(new RetentionPolicy(null, Duration.ofDays(7), null, null));

        assertThat(ids()).containsExactly("20261016-000000F");
        assertThat(result.backups()).filteredOn(RetentionPlan.BackupDecision::keep).singleElement()
                .satisfies(b -> assertThat(b.reasons()).containsExactly("newest backup"));
        assertEveryListedBackupRestorable();
    }

    @Test
    void aDryRunChangesNothingAndSaysWhatWouldGo() {
        fourWeeksOfChains();
        List<String> keys = keys();

        ExpireResult result = new ExpireService(r.repository, KnownGoodBackups.NONE, r.clock)
                .run(new ExpireRequest(new RetentionPolicy(1, null, null, null), true));

        assertThat(result.dryRun()).isTrue();
        assertThat(result.removedBackups()).hasSize(9);
        assertThat(result.walFilesRemoved()).isEqualTo(3 * 28);
        assertThat(result.dataObjectsRemoved()).isEqualTo(9 * 2);
        assertThat(keys()).isEqualTo(keys);
    }

    @Test
    void oldOrphanedDataGoesButABackupUnderWayIsLeftAlone() {
        r.segments(1, 1, 4, daysAgo(3), Duration.ofHours(6));
        r.backup("20261122-000000F", FULL, null, 1, 2, 2, daysAgo(2.5));
        r.orphan("20261120-000000F", daysAgo(5));          // a backup killed five days ago
        r.orphan("20261125-115500F", NOW.minusSeconds(300)); // a backup copying right now

        ExpireResult result = expire(new RetentionPolicy(1, null, null, Duration.ofHours(24)));

        assertThat(result.orphans()).containsExactly("20261120-000000F");
        assertThat(keys()).noneMatch(k -> k.startsWith("data/20261120-000000F/"))
                .anyMatch(k -> k.startsWith("data/20261125-115500F/"));
        assertThat(ids()).containsExactly("20261122-000000F");
    }

    @Test
    void aPolicyWithoutRulesIsRefusedBeforeAnythingIsRead() {
        assertThatThrownBy(() -> expire(new RetentionPolicy(null, null, null, null)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).contains("--keep-full");
                });
        assertThatThrownBy(() -> expire(new RetentionPolicy(0, null, null, null)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("--keep-full"));
        assertThatThrownBy(() -> expire(new RetentionPolicy(1, null, null, Duration.ofMinutes(5))))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("still running"));
    }

    /**
     * A kill at any point of an expire: the store refuses every delete after the n-th. Whatever
     * is still listed must restore, and a second expire finishes the job.
     */
    @Test
    void anExpireKilledAtAnyDeleteLeavesEveryListedBackupRestorable() {
        int deletes;
        {
            SyntheticRepository probe = new SyntheticRepository(temp.resolve("probe"));
            r = probe;
            temp.resolve("probe").toFile().mkdirs();
            fourWeeksOfChains();
            int before = probe.store.calls(InMemoryBlobStore.Operation.DELETE);
            expire(new RetentionPolicy(2, null, null, null));
            deletes = probe.store.calls(InMemoryBlobStore.Operation.DELETE) - before;
        }
        assertThat(deletes).isGreaterThan(6 + 12 + 50);
        for (int killAt = 1; killAt < deletes; killAt += Math.max(1, deletes / 8)) {
            Path dir = temp.resolve("kill-" + killAt);
            dir.toFile().mkdirs();
            r = new SyntheticRepository(dir);
            fourWeeksOfChains();
            AtomicInteger seen = new AtomicInteger();
            int limit = killAt;
            r.store.failWhen((op, key) -> op == InMemoryBlobStore.Operation.DELETE && seen.incrementAndGet() > limit,
                    StorageException.Kind.PERMANENT);
            assertThatThrownBy(() -> expire(new RetentionPolicy(2, null, null, null))).isInstanceOf(StorageException.class);
            r.store.clearFaults();
            assertEveryListedBackupRestorable();

            r.clock.now = NOW.plus(Duration.ofHours(2)); // the leftovers of the killed expire are now old orphans
            expire(new RetentionPolicy(2, null, null, Duration.ofHours(1)));
            assertThat(ids()).hasSize(6);
            assertThat(keys()).filteredOn(k -> k.startsWith("data/")).hasSize(6 * 2);
            assertEveryListedBackupRestorable();
        }
    }

    @Test
    void whileABackupHoldsTheRepositoryLockExpireRemovesNothingAndSaysWhy() {
        fourWeeksOfChains();
        List<String> before = keys();
        try (RepositoryLock backup = RepositoryLock.acquire(r.store, "backup")) {
            List<String> withLock = keys();

            assertThatThrownBy(() -> expire(new RetentionPolicy(1, null, null, null))).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                assertThat(e.getMessage()).startsWith("a backup is running on repository " + r.store.location() + ": pid ")
                        .endsWith("so expire cannot run now");
            });
            assertThat(keys()).isEqualTo(withLock);
        }
        assertThat(keys()).isEqualTo(before);

        ExpireResult result = expire(new RetentionPolicy(1, null, null, null));
        assertThat(result.removedBackups()).isNotEmpty();
        assertEveryListedBackupRestorable();
    }

    /**
     * Four fulls; the third one's manifest is cut in half. Expire keeping one full must leave
     * the damaged backup's manifest and data as they were, keep the backup before it (which
     * it may build on) and all WAL from that backup's start, and still remove the oldest.
     */
    @Test
    void aDamagedBackupIsLeftAloneWithWhatItMayNeed() {
        r.segments(1, 1, 40, daysAgo(21), Duration.ofHours(12));
        String f1 = BackupId.of(daysAgo(20), FULL);
        String f2 = BackupId.of(daysAgo(12), FULL);
        String f3 = BackupId.of(daysAgo(5), FULL);
        String f4 = BackupId.of(daysAgo(1), FULL);
        r.backup(f1, FULL, null, 1, 2, 3, daysAgo(19.9));
        r.backup(f2, FULL, null, 1, 10, 11, daysAgo(11.9));
        r.clock.now = daysAgo(4.9); // its data looks like an old orphan's to an expire that took the backup for absent
        r.backup(f3, FULL, null, 1, 20, 21, daysAgo(4.9));
        r.clock.now = NOW;
        r.backup(f4, FULL, null, 1, 30, 31, daysAgo(0.9));
        r.truncateManifest(f3);
        var damagedBefore = r.contents("backups/" + f3);
        damagedBefore.putAll(r.contents("data/" + f3 + "/"));
        var walFromF2 = r.walFrom(10);

        ExpireResult result = expire(new RetentionPolicy(1, null, null, Duration.ofHours(1)));

        assertThat(result.removedBackups()).containsExactly(f1);
        assertThat(ids()).containsExactly(f2, f4);
        var damagedAfter = r.contents("backups/" + f3);
        damagedAfter.putAll(r.contents("data/" + f3 + "/"));
        assertThat(damagedAfter).as("the damaged backup's manifest and data, byte for byte").isEqualTo(damagedBefore).hasSize(3);
        assertThat(result.walKeptFrom()).isEqualTo(SyntheticRepository.segmentName(1, 10));
        assertThat(result.walFilesRemoved()).isEqualTo(9);
        assertThat(r.walFrom(10)).as("WAL from the kept backup before the damaged one on").isEqualTo(walFromF2).hasSize(31);
        assertThat(result.orphans()).isEmpty();
        assertThat(result.backups()).filteredOn(b -> b.id().equals(f3)).singleElement().satisfies(b -> {
            assertThat(b.keep()).isTrue();
            assertThat(b.reasons()).singleElement().asString().contains("DAMAGED (truncated)");
        });
        assertThat(result.backups()).filteredOn(b -> b.id().equals(f2)).singleElement()
                .satisfies(b -> assertThat(b.reasons()).anyMatch(reason -> reason.contains("before damaged " + f3)));
        assertThat(result.notes()).anyMatch(n -> n.contains("backup " + f3 + " is damaged (truncated)") && n.contains("left alone"));
        assertEveryListedBackupRestorable();
    }

    /** An incr whose parent's manifest is unreadable is damaged too: its objects and the parent's stay. */
    @Test
    void anIncrementalOnADamagedParentIsLeftAloneAndProtectsWhatItReads() {
        r.segments(1, 1, 30, daysAgo(21), Duration.ofHours(12));
        String f1 = BackupId.of(daysAgo(20), FULL);
        String d1 = BackupId.of(daysAgo(10), DIFF);
        String i1 = BackupId.of(daysAgo(5), INCR);
        String f2 = BackupId.of(daysAgo(1), FULL);
        r.backup(f1, FULL, null, 1, 2, 3, daysAgo(19.9));
        r.backup(d1, DIFF, f1, 1, 10, 11, daysAgo(9.9));
        r.backup(i1, INCR, d1, 1, 15, 16, daysAgo(4.9));
        r.backup(f2, FULL, null, 1, 25, 26, daysAgo(0.9));
        r.truncateManifest(d1);
        var before = r.contents("");
        before.keySet().removeIf(k -> !k.startsWith("backups/" + d1) && !k.startsWith("backups/" + i1)
                && !k.startsWith("data/" + d1) && !k.startsWith("data/" + i1) && !k.startsWith("data/" + f1));

        ExpireResult result = expire(new RetentionPolicy(1, null, null, Duration.ofHours(1)));

        var after = r.contents("");
        after.keySet().retainAll(before.keySet());
        assertThat(after).isEqualTo(before);
        assertThat(result.removedBackups()).isEmpty(); // f1 is the newest backup before the damaged diff
        assertThat(result.backups()).filteredOn(b -> b.id().equals(i1)).singleElement()
                .satisfies(b -> assertThat(b.reasons()).singleElement().asString().contains("parent " + d1 + " is damaged"));
        assertThat(result.walKeptFrom()).isEqualTo(SyntheticRepository.segmentName(1, 2));
    }


    private ExpireResult expire(RetentionPolicy policy) {
        return new ExpireService(r.repository, KnownGoodBackups.NONE, r.clock).run(new ExpireRequest(policy, false));
    }

    private List<String> ids() {
        return r.repository.backups().list().stream().map(BackupManifest::id).toList();
    }

    private List<String> keys() {
        try (Stream<BlobInfo> all = r.store.list("")) {
            return all.map(BlobInfo::key).toList();
        }
    }

    /** Its chain is listed, every object its files name exists, and restore planning finds its WAL. */
    private void assertEveryListedBackupRestorable() {
        Repository repository = r.repository;
        for (BackupManifest head : repository.backups().list()) {
            BackupManifest m = repository.backups().read(head.id());
            if (m.parent() != null) {
                assertThat(repository.backups().exists(m.parent())).as("parent of " + m.id()).isTrue();
            }
            for (BackupManifest.File f : m.files()) {
                assertThat(repository.store().stat(f.object())).as(f.object() + " of " + m.id()).isPresent();
            }
            new RestorePlanner(repository).plan(new RecoveryTarget.Immediate(), m.id(), m.timeline());
        }
    }
}
