package dev.lifeboat.core.check;

import org.junit.jupiter.api.Test;

import dev.lifeboat.core.repo.BackupManifest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The state each monitored check takes from what a check found and its limits (pure logic). */
class MonitorChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final double HOUR = 3600;
    private static final MonitorLimits LIMITS = new MonitorLimits(Threshold.above(26 * HOUR, 50 * HOUR), Threshold.above(HOUR, 4 * HOUR),
            Threshold.above(16.0, 64.0), Threshold.above(0.0, 10.0), Threshold.above(512.0 * (1 << 20), 1024.0 * (1 << 20)),
            Threshold.above(8 * 24 * HOUR, 15 * 24 * HOUR), Threshold.below(10.0, 5.0), Threshold.above(900.0, HOUR));

    @Test
    void aThresholdIsCrossedOnlyPastItsLimitAndCriticalWins() {
        Threshold t = Threshold.above(10.0, 20.0);
        assertThat(t.judge(10)).isEqualTo(CheckState.OK);
        assertThat(t.judge(10.5)).isEqualTo(CheckState.WARNING);
        assertThat(t.judge(20)).isEqualTo(CheckState.WARNING);
        assertThat(t.judge(21)).isEqualTo(CheckState.CRITICAL);
        assertThat(Threshold.above(null, 20.0).judge(15)).isEqualTo(CheckState.OK);
        assertThat(Threshold.off().judge(1e12)).isEqualTo(CheckState.OK);
    }

    @Test
    void freeSpaceIsALowerBound() {
        Threshold t = Threshold.below(10.0, 5.0);
        assertThat(t.judge(50)).isEqualTo(CheckState.OK);
        assertThat(t.judge(9.9)).isEqualTo(CheckState.WARNING);
        assertThat(t.judge(4)).isEqualTo(CheckState.CRITICAL);
    }

    @Test
    void theWorstStateRanksCriticalOverWarningOverUnknown() {
        assertThat(CheckState.worst(List.of(CheckState.OK, CheckState.UNKNOWN))).isEqualTo(CheckState.UNKNOWN);
        assertThat(CheckState.worst(List.of(CheckState.UNKNOWN, CheckState.WARNING))).isEqualTo(CheckState.WARNING);
        assertThat(CheckState.worst(List.of(CheckState.WARNING, CheckState.CRITICAL, CheckState.OK))).isEqualTo(CheckState.CRITICAL);
        assertThat(CheckState.worst(List.of())).isEqualTo(CheckState.OK);
        assertThat(List.of(CheckState.values()).stream().map(CheckState::exitCode)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aHealthyRepositoryIsOkInEveryCheck() {
        List<MonitoredCheck> checks = judge(report(health(Duration.ofHours(2), Duration.ofMinutes(5), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), cluster(3, 0L, null)), new StoreSpace(50L << 30, 100L << 30));

        assertThat(checks).allSatisfy(c -> assertThat(c.state()).as(c.toString()).isEqualTo(CheckState.OK));
        assertThat(checks).extracting(MonitoredCheck::name).containsExactly("repository_free_space", "backup_age", "archive_age",
                "wal_gaps", "damaged_objects", "corrupt_pages", "ready_backlog", "archiver_failures", "slot_lag", "drill_age", "drill_verdict", "jobs");
        assertThat(check(checks, "backup_age").value()).isEqualTo(7200.0);
        assertThat(check(checks, "backup_age").warning()).isEqualTo(26 * HOUR);
        assertThat(check(checks, "repository_free_space").value()).isEqualTo(50.0);
        assertThat(MonitorChecks.overall(checks)).isEqualTo(CheckState.OK);
    }

    @Test
    void anOldBackupWarnsThenTurnsCritical() {
        assertThat(check(judge(report(health(Duration.ofHours(30), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), null), null), "backup_age").state()).isEqualTo(CheckState.WARNING);
        MonitoredCheck critical = check(judge(report(health(Duration.ofHours(51), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), null), null), "backup_age");
        assertThat(critical.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(critical.summary()).contains("ended 2 days ago");
    }

    @Test
    void noBackupAtAllIsCritical() {
        CheckReport.Health none = new CheckReport.Health(null, null, NOW, null, null, List.of(), null, null);
        assertThat(check(judge(report(none, List.of(), List.of(), null), null), "backup_age").state()).isEqualTo(CheckState.CRITICAL);
    }

    @Test
    void aGapOrDamageIsCriticalWhateverTheLimits() {
        CheckReport.TimelineWal gap = new CheckReport.TimelineWal(1, "000000010000000000000003", "000000010000000000000009", 6,
                List.of(new CheckReport.Gap("000000010000000000000006", "000000010000000000000006", 1, List.of("b1"))), null, null);
        List<MonitoredCheck> checks = judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(gap), List.of("backup b2 is damaged"), null), null);

        assertThat(check(checks, "wal_gaps").state()).isEqualTo(CheckState.CRITICAL);
        assertThat(check(checks, "wal_gaps").value()).isEqualTo(1.0);
        assertThat(check(checks, "wal_gaps").summary()).contains("000000010000000000000006");
        assertThat(check(checks, "damaged_objects").state()).isEqualTo(CheckState.CRITICAL);
        assertThat(MonitorChecks.overall(checks)).isEqualTo(CheckState.CRITICAL);
    }

    @Test
    void aBackupHoldingCorruptPagesIsAWarningNamingTheRelationAndBlock() {
        BackupManifest.CorruptPages pages = new BackupManifest.CorruptPages("base/5/16384", 5, "app", 16384, "public.accounts", "main",
                3, List.of("0", "7-8"));
        CheckReport clean = report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), null);
        CheckReport corrupt = new CheckReport(clean.location(), clean.timelines(), clean.health(), null, List.of(), List.of("w"),
                List.of(), List.of(), List.of(new CheckReport.BackupCorruptPages("20261203-120000F", 3, List.of(pages))), null);

        assertThat(check(judge(clean, null), "corrupt_pages").state()).isEqualTo(CheckState.OK);
        MonitoredCheck warning = check(judge(corrupt, null), "corrupt_pages");
        assertThat(warning.state()).isEqualTo(CheckState.WARNING);
        assertThat(warning.value()).isEqualTo(3.0);
        assertThat(warning.summary()).contains("20261203-120000F", "relation public.accounts", "database app", "base/5/16384",
                "fork main", "3 blocks 0, 7-8");
    }

    @Test
    void anArchiverFailingCountsItsFailuresAndOneThatRecoveredCountsNone() {
        assertThat(check(judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))), List.of(),
                List.of(), cluster(0, 3L, "2026-12-03 11:59:00+00")), null), "archiver_failures").state()).isEqualTo(CheckState.WARNING);
        assertThat(check(judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))), List.of(),
                List.of(), cluster(0, 30L, "2026-12-03 11:00:00+00")), null), "archiver_failures").state()).isEqualTo(CheckState.CRITICAL);
        MonitoredCheck recovered = check(judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), cluster(0, 30L, null)), null), "archiver_failures");
        assertThat(recovered.state()).isEqualTo(CheckState.OK);
        assertThat(recovered.value()).isZero();
    }

    @Test
    void aClusterThatCannotBeAskedIsUnknown() {
        CheckReport.ClusterArchiving unreachable = new CheckReport.ClusterArchiving(0, null, null, null, List.of(), "connection refused", null);
        MonitoredCheck archiver = check(judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), unreachable), null), "archiver_failures");
        assertThat(archiver.state()).isEqualTo(CheckState.UNKNOWN);
        assertThat(archiver.summary()).contains("connection refused");
    }

    @Test
    void aFailedNewestDrillIsCriticalAndNeverADrillOnlyWarns() {
        CheckReport.DrillResult failed = new CheckReport.DrillResult("d2", "b1", "failed", NOW, "a million orders: returned 2000");
        CheckReport.Health h = new CheckReport.Health("b1", NOW.minusSeconds(60), NOW, null, failed, List.of(), NOW.minus(Duration.ofDays(2)), 12.5);
        List<MonitoredCheck> checks = judge(report(h, List.of(), List.of(), null), null);
        assertThat(check(checks, "drill_verdict").state()).isEqualTo(CheckState.CRITICAL);
        assertThat(check(checks, "drill_verdict").summary()).contains("a million orders");

        CheckReport.Health never = new CheckReport.Health("b1", NOW.minusSeconds(60), NOW, null, null, List.of(), null, null);
        List<MonitoredCheck> undrilled = judge(report(never, List.of(), List.of(), null), null);
        assertThat(check(undrilled, "drill_age").state()).isEqualTo(CheckState.WARNING);
        assertThat(check(undrilled, "drill_verdict").state()).isEqualTo(CheckState.OK);
    }

    @Test
    void aFailedLastJobRunIsCritical() {
        CheckReport.Health h = new CheckReport.Health("b1", NOW.minusSeconds(60), NOW, null, null,
                List.of(new CheckReport.JobResult("nightly", "backup", "failed", NOW, "boom"),
                        new CheckReport.JobResult("hourly", "verify", "succeeded", NOW, null)), NOW, null);
        MonitoredCheck jobs = check(judge(report(h, List.of(), List.of(), null), null), "jobs");
        assertThat(jobs.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(jobs.value()).isEqualTo(1.0);
        assertThat(jobs.summary()).contains("nightly failed");
    }

    @Test
    void anUnreadableRepositoryIsCriticalAndAMissingKeyUnknown() {
        assertThat(MonitorChecks.overall(MonitorChecks.unreachable("/srv/repo", "gone"))).isEqualTo(CheckState.CRITICAL);
        assertThat(MonitorChecks.unreachable("/srv/repo", "gone").get(0).summary()).contains("/srv/repo").contains("gone");
        assertThat(MonitorChecks.overall(MonitorChecks.unknown("/srv/repo", "no key"))).isEqualTo(CheckState.UNKNOWN);
    }

    @Test
    void littleFreeSpaceUnderADirectoryRepositoryIsCritical() {
        MonitoredCheck space = check(judge(report(health(Duration.ofHours(1), Duration.ofMinutes(1), passedDrill(Duration.ofDays(1))),
                List.of(), List.of(), null), new StoreSpace(3L << 30, 100L << 30)), "repository_free_space");
        assertThat(space.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(space.lowIsBad()).isTrue();
    }

    @Test
    void aRepositoryBehindTheOthersLags() {
        MonitorChecks checks = new MonitorChecks(LIMITS, NOW);
        assertThat(checks.lag(NOW, NOW).state()).isEqualTo(CheckState.OK);
        assertThat(checks.lag(NOW, NOW.minusSeconds(1000)).state()).isEqualTo(CheckState.WARNING);
        MonitoredCheck far = checks.lag(NOW, NOW.minusSeconds(7200));
        assertThat(far.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(far.value()).isEqualTo(7200.0);
        assertThat(checks.lag(NOW, null).state()).isEqualTo(CheckState.CRITICAL);
        assertThat(checks.lag(null, null).state()).isEqualTo(CheckState.OK);
        assertThat(far.of("us").name()).isEqualTo("us/repository_lag");
        assertThat(far.of("us").summary()).startsWith("us: its newest WAL is 7200 s behind");
    }

    private static List<MonitoredCheck> judge(CheckReport report, StoreSpace space) {
        return new MonitorChecks(LIMITS, NOW).judge(report, space);
    }

    private static MonitoredCheck check(List<MonitoredCheck> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no check " + name));
    }

    private static Instant passedDrill(Duration ago) {
        return NOW.minus(ago);
    }

    private static CheckReport.Health health(Duration backupAge, Duration archiveAge, Instant drillPassed) {
        return new CheckReport.Health("b1", NOW.minus(backupAge), NOW.minus(archiveAge), "b1",
                new CheckReport.DrillResult("d1", "b1", "passed", drillPassed, null), List.of(), drillPassed, 12.5);
    }

    private static CheckReport.ClusterArchiving cluster(int ready, Long failures, String failingSince) {
        return new CheckReport.ClusterArchiving(ready, null, failures, failingSince == null ? null : "000000010000000000000007", List.of(),
                null, failingSince);
    }

    private static CheckReport report(CheckReport.Health h, List<CheckReport.TimelineWal> timelines, List<String> damage,
                                      CheckReport.ClusterArchiving cluster) {
        return new CheckReport("/srv/repo", timelines, h, cluster, damage, List.of(), damage, List.of());
    }
}
