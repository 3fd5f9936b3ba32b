package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The choice of backup and the refusals, on a repository built in memory: backups ending at
 * known LSNs and times, WAL segments with summaries saying when their transactions ended.
 */
class RestorePlannerTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    private Repository repository;

    @BeforeEach
    void repository() {
        repository = Repository.initialize(new InMemoryBlobStore("planner"), TestRepositoryDescriptor.standard());
    }

    @Test
    void aTimeTargetStartsFromTheNewestBackupThatEndedBeforeIt() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        backup("20261120-141000F", 1, "0/5000028", "0/5000100", 5, T0.plusSeconds(610));
        segments(1, 2, 8, T0.plusSeconds(60));

        RestorePlan plan = planner().plan(new RecoveryTarget.Time(T0.plusSeconds(300)), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");

        plan = planner().plan(new RecoveryTarget.Time(T0.plusSeconds(700)), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-141000F");
        assertThat(plan.archiveEnd()).isEqualTo(Lsn.parse("0/9000000"));
        assertThat(plan.replayPath()).extracting(dev.lifeboat.core.repo.ArchivedWal::fileName).containsExactly(
                "000000010000000000000005", "000000010000000000000006", "000000010000000000000007", "000000010000000000000008");
    }

    /** The newest backup's manifest is cut short: latest starts from the one before, and says so. */
    @Test
    void aDamagedBackupIsSkippedAndRefusedByName() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        backup("20261120-141000F", 1, "0/5000028", "0/5000100", 5, T0.plusSeconds(610));
        segments(1, 2, 8, T0.plusSeconds(60));
        damage("20261120-141000F");

        RestorePlan plan = planner().plan(new RecoveryTarget.Latest(), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");
        assertThat(plan.notes()).contains("skipped damaged backup 20261120-141000F (not a valid manifest)");
        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Latest(), "20261120-141000F", null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                    assertThat(e.getMessage()).startsWith("backup 20261120-141000F cannot be restored: not a valid manifest "
                            + "(manifest backups/20261120-141000F.manifest in ");
                });

        damage("20261120-140000F");
        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Latest(), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
                    assertThat(e.getMessage()).startsWith("every backup in ")
                            .endsWith(" is damaged (first: backups/20261120-140000F.manifest: not a valid manifest)");
                });
    }

    private void damage(String id) {
        String key = dev.lifeboat.core.repo.RepositoryLayout.manifest(id);
        repository.store().delete(key);
        repository.store().put(key, dev.lifeboat.storage.BlobContent.of(repository.codec().encodeWhole(new byte[]{'[', ']'}, 2).bytes()),
                dev.lifeboat.storage.PutMode.CREATE_ONLY);
    }

    @Test
    void aTimeBeforeTheOldestBackupEndedIsRefusedWithTheEarliestPossibleTime() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        segments(1, 2, 4, T0.plusSeconds(60));

        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Time(T0), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("before the end of the oldest backup");
                    assertThat(e.hint()).contains("2026-11-20 14:00:10");
                });
    }

    @Test
    void aTimeAfterTheLastArchivedTransactionIsRefused() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        segments(1, 2, 4, T0.plusSeconds(60)); // the last transaction ends at T0+60+4 s

        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Time(T0.plusSeconds(3600)), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("after the last archived WAL").contains("14:05:00");
                    assertThat(e.hint()).contains("--target latest");
                });
    }

    @Test
    void anLsnBeyondTheArchiveIsRefused() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        segments(1, 2, 4, T0.plusSeconds(60));

        assertThat(planner().plan(new RecoveryTarget.LsnTarget(Lsn.parse("0/4000000")), null, null).backup().id())
                .isEqualTo("20261120-140000F");
        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.LsnTarget(Lsn.parse("0/9000000")), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("after the last archived WAL");
                });
    }

    @Test
    void latestRefusesToStopSilentlyAtAGap() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        segments(1, 2, 4, T0.plusSeconds(60));
        segments(1, 6, 7, T0.plusSeconds(120)); // 5 is missing

        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Latest(), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("gap").contains("000000010000000000000005");
                    assertThat(e.hint()).contains("--target-lsn 0/5000000");
                });
        // A target before the gap is still fine.
        assertThat(planner().plan(new RecoveryTarget.LsnTarget(Lsn.parse("0/4800000")), null, null).notes())
                .anyMatch(n -> n.contains("gap"));
    }

    @Test
    void aBackupWhoseOwnWalIsMissingCannotBeRestored() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/3000100", 3, T0.plusSeconds(10));
        segments(1, 2, 2, T0.plusSeconds(60));

        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Immediate(), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.REPOSITORY);
                    assertThat(e.getMessage()).contains("000000010000000000000003").contains("consistent");
                });
    }

    @Test
    void aNamedRestorePointStartsFromTheNewestBackupBeforeIt() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        backup("20261120-141000F", 1, "0/6000028", "0/6000100", 6, T0.plusSeconds(610));
        segments(1, 2, 3, T0.plusSeconds(60));
        segment(1, 4, new WalSummary(T0.plusSeconds(200), T0.plusSeconds(201), 1, 800L, 800L,
                List.of(new WalSummary.RestorePoint("before_migration", "0/4000200", T0.plusSeconds(200))), "0/4FFFFF8"));
        segments(1, 5, 8, T0.plusSeconds(700));

        RestorePlan plan = planner().plan(new RecoveryTarget.Name("before_migration"), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");
        assertThat(plan.notes()).isEmpty();
    }

    @Test
    void aFollowingTimelineUsesOnlyBackupsFromBeforeItsBranchPoint() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        backup("20261120-141000F", 1, "0/6000028", "0/6000100", 6, T0.plusSeconds(610)); // after the branch at 0/5000000
        segments(1, 2, 8, T0.plusSeconds(60));
        history(2, "1\t0/5000000\tbefore 0/5000000\n");
        segments(2, 5, 7, T0.plusSeconds(900));

        RestorePlan plan = planner().plan(new RecoveryTarget.Latest(), null, null);
        assertThat(plan.targetTimeline()).isEqualTo(2);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");
        assertThat(plan.archiveEnd()).isEqualTo(Lsn.parse("0/8000000"));

        RestorePlan onOne = planner().plan(new RecoveryTarget.Latest(), null, 1);
        assertThat(onOne.backup().id()).isEqualTo("20261120-141000F");
    }

    @Test
    void anEmptyRepositoryHasNothingToRestore() {
        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.Latest(), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.getMessage()).contains("holds no backup"));
    }

    @Test
    void lastKnownGoodIsTheNewestBackupWhoseNewestDrillPassed() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        backup("20261120-141000F", 1, "0/5000028", "0/5000100", 5, T0.plusSeconds(610));
        backup("20261120-142000F", 1, "0/7000028", "0/7000100", 7, T0.plusSeconds(1210));
        segments(1, 2, 8, T0.plusSeconds(60));
        drill("20261120-140000F", "20261120-150000.000-0001", true, "0/6000100");
        drill("20261120-141000F", "20261120-150100.000-0002", true, null);
        drill("20261120-141000F", "20261120-150200.000-0003", false, null); // its newest drill failed
        // the newest backup was never drilled

        RestorePlan plan = planner().plan(new RecoveryTarget.LastKnownGood(), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-140000F");
        assertThat(plan.target()).isEqualTo(new RecoveryTarget.LsnTarget(Lsn.parse("0/6000100")));
        assertThat(plan.targetTimeline()).isEqualTo(1);
        assertThat(plan.timelineLatest()).isFalse();
        assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("last known-good: backup 20261120-140000F")
                .contains("20261120-150000.000-0001"));

        drill("20261120-142000F", "20261120-150300.000-0004", true, null);
        plan = planner().plan(new RecoveryTarget.LastKnownGood(), null, null);
        assertThat(plan.backup().id()).isEqualTo("20261120-142000F");
        assertThat(plan.target()).isEqualTo(new RecoveryTarget.Immediate()); // the drill proved its consistency point only
    }

    @Test
    void lastKnownGoodWithoutAPassingDrillIsRefused() throws IOException {
        backup("20261120-140000F", 1, "0/2000028", "0/2000100", 2, T0.plusSeconds(10));
        segments(1, 2, 4, T0.plusSeconds(60));
        drill("20261120-140000F", "20261120-150000.000-0001", false, null);

        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.LastKnownGood(), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.TARGET);
                    assertThat(e.getMessage()).contains("no backup").contains("passed a restore drill");
                    assertThat(e.hint()).contains("lifeboat drill");
                });
        assertThatThrownBy(() -> planner().plan(new RecoveryTarget.LastKnownGood(), "20261120-140000F", null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    private void drill(String backupId, String drillId, boolean passed, String verifiedLsn) {
        repository.drills().record(new DrillRecord(1, drillId, backupId, passed ? DrillRecord.Verdict.PASSED : DrillRecord.Verdict.FAILED,
                passed ? null : "amcheck postgres: corrupt", T0, T0, "latest", 1, null,
                passed ? new DrillRecord.VerifiedEnd(verifiedLsn, 1) : null, null, List.of(), List.of(), "7441", "15.18", "test", "host"));
    }

    private RestorePlanner planner() {
        return new RestorePlanner(repository);
    }

    private void backup(String id, int timeline, String startLsn, String stopLsn, long stopSegment, Instant stopTime) {
        String startWal = String.format("%08X%08X%08X", timeline, 0, Lsn.parse(startLsn).value() >>> 24);
        String stopWal = String.format("%08X%08X%08X", timeline, 0, stopSegment);
        repository.backups().write(new BackupManifest(1, id, BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, timeline,
                startLsn, stopLsn, startWal, stopWal, stopTime.minusSeconds(5), stopTime, 700, "START TIMELINE: " + timeline, null,
                new BackupManifest.Totals(0, 0, 0, 0), "test", "host", List.of(), List.of(), List.of()));
    }

    /** Segments first..last, each with a transaction ending two minutes after the previous one's. */
    private void segments(int timeline, long first, long last, Instant firstTime) throws IOException {
        for (long s = first; s <= last; s++) {
            Instant t = firstTime.plusSeconds(120 * (s - first));
            segment(timeline, s, new WalSummary(t, t, 1, 700L + s, 700L + s, List.of(),
                    new Lsn(s * (16L << 20) + (16L << 20) - 8).toString()));
        }
    }

    private void segment(int timeline, long number, WalSummary summary) throws IOException {
        String name = String.format("%08X%08X%08X", timeline, 0, number);
        Path file = temp.resolve(name);
        Files.writeString(file, "segment " + name);
        repository.wal().push(name, file, ObjectCodec.sha256(file), summary);
    }

    private void history(int timeline, String text) throws IOException {
        String name = String.format("%08X.history", timeline);
        Path file = temp.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        repository.wal().push(name, file, ObjectCodec.sha256(file), null);
    }
}
