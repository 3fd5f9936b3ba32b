package dev.lifeboat.core.check;

import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.WalSegmentSize;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The RPO arithmetic: the cluster's newest commit against the newest the repository can restore (pure logic). */
class RecoveryPointObjectiveTest {

    private static final WalSegmentSize SEGMENT = WalSegmentSize.DEFAULT;
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant RESTORABLE = NOW.minusSeconds(300);
    private static final RestorableEnd END = new RestorableEnd(1, Lsn.parse("0/5000100"), RESTORABLE, "000000010000000000000005", true);

    @Test
    void everythingTheClusterWroteIsRestorableSoTheRpoIsZero() {
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/5000100"), null), SEGMENT, NOW);
        assertThat(rpo.seconds()).isEqualTo(0.0);
        assertThat(rpo.newestRestorable()).isEqualTo(RESTORABLE);
        assertThat(rpo.restorableAgeSeconds()).isEqualTo(300);
        assertThat(RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/5000000"), NOW), SEGMENT, NOW).seconds())
                .as("a repository ahead of the position asked first").isEqualTo(0.0);
    }

    @Test
    void aPositionJustPastAPageHeaderIsTheEndOfTheRecordBefore() {
        // after pg_switch_wal the insert position is reported past the next segment's long page header
        RestorableEnd switched = new RestorableEnd(1, Lsn.parse("0/6000000"), RESTORABLE, "000000010000000000000005", false);
        assertThat(RecoveryPointObjective.measure(switched, new ClusterCommits(Lsn.parse("0/6000028"), null), SEGMENT, NOW).seconds())
                .isEqualTo(0.0);
        RestorableEnd pageEnd = new RestorableEnd(1, Lsn.parse("0/6002000"), RESTORABLE, "000000010000000000000006", true);
        assertThat(RecoveryPointObjective.measure(pageEnd, new ClusterCommits(Lsn.parse("0/6002018"), null), SEGMENT, NOW).seconds())
                .isEqualTo(0.0);
        assertThat(RecoveryPointObjective.measure(pageEnd, new ClusterCommits(Lsn.parse("0/6002020"), null), SEGMENT, NOW).seconds())
                .isEqualTo(300.0);
    }

    @Test
    void withCommitTimestampsTheRpoIsTheGapBetweenTheTwoNewestCommits() {
        Instant clusterCommit = RESTORABLE.plusMillis(42_500);
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/5000200"), clusterCommit), SEGMENT, NOW);
        assertThat(rpo.seconds()).isEqualTo(42.5);
        assertThat(rpo.basis()).contains("is not restorable");
    }

    @Test
    void walPastTheRepositoryWithoutANewerCommitLosesNothing() {
        // a checkpoint or a running-transactions record after the last commit: nothing committed is lost
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/5000400"), RESTORABLE), SEGMENT, NOW);
        assertThat(rpo.seconds()).isEqualTo(0.0);
        assertThat(rpo.basis()).contains("is restorable");
    }

    @Test
    void withoutCommitTimestampsTheAgeOfTheNewestRestorableCommitBoundsIt() {
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/7000000"), null), SEGMENT, NOW);
        assertThat(rpo.seconds()).isEqualTo(300.0);
        assertThat(rpo.basis()).contains("track_commit_timestamp");
    }

    @Test
    void withoutTheClusterOnlyTheNewestRestorableCommitIsKnown() {
        RecoveryPointObjective rpo = RecoveryPointObjective.measure(END, null, SEGMENT, NOW);
        assertThat(rpo.seconds()).isNull();
        assertThat(rpo.newestRestorable()).isEqualTo(RESTORABLE);
        assertThat(rpo.restorableAgeSeconds()).isEqualTo(300);

        RecoveryPointObjective empty = RecoveryPointObjective.measure(null, new ClusterCommits(Lsn.parse("0/7000000"), NOW), SEGMENT, NOW);
        assertThat(empty.seconds()).isNull();
        assertThat(empty.newestRestorable()).isNull();
    }

    @Test
    void theRpoCheckIsJudgedByItsLimitsWithTheDrillsRtoBesideIt() {
        MonitorLimits limits = new MonitorLimits(Threshold.off(), Threshold.off(), Threshold.off(), Threshold.off(), Threshold.off(),
                Threshold.off(), Threshold.off(), Threshold.off(), Threshold.above(10.0, 60.0));
        CheckReport.Health health = new CheckReport.Health("b1", NOW, NOW, null, null, List.of(), NOW, 12.5);
        CheckReport.ClusterArchiving cluster = new CheckReport.ClusterArchiving(0, null, 0L, null, List.of(), null, null);
        RecoveryPointObjective behind = RecoveryPointObjective.measure(END, new ClusterCommits(Lsn.parse("0/5000200"), NOW), SEGMENT, NOW);
        MonitoredCheck critical = rpoCheck(limits, new CheckReport("/r", List.of(), health, cluster, List.of(), List.of(), List.of(), List.of(), List.of(), behind));
        assertThat(critical.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(critical.value()).isEqualTo(300.0);
        assertThat(critical.summary()).startsWith("RPO 300 s: ").contains("last drill's RTO 12.5 s");

        RecoveryPointObjective notAsked = RecoveryPointObjective.measure(END, null, SEGMENT, NOW);
        MonitoredCheck ok = rpoCheck(limits, new CheckReport("/r", List.of(), health, null, List.of(), List.of(), List.of(), List.of(), List.of(), notAsked));
        assertThat(ok.state()).isEqualTo(CheckState.OK);
        assertThat(ok.value()).isNull();

        RecoveryPointObjective unreachable = RecoveryPointObjective.measure(END, null, SEGMENT, NOW);
        CheckReport.ClusterArchiving refused = new CheckReport.ClusterArchiving(0, null, null, null, List.of(), "connection refused", null);
        assertThat(rpoCheck(limits, new CheckReport("/r", List.of(), health, refused, List.of(), List.of(), List.of(), List.of(), List.of(), unreachable))
                .state()).isEqualTo(CheckState.UNKNOWN);
    }

    private static MonitoredCheck rpoCheck(MonitorLimits limits, CheckReport report) {
        return new MonitorChecks(limits, NOW).judge(report, null).stream().filter(c -> c.name().equals("rpo")).findFirst().orElseThrow();
    }
}
