package dev.lifeboat.core.report;

import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.report.RepositoryReport.WalArrivals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Arrivals per hour, and the delay and backlog a repository can tell from its segments' last commits. */
class WalArrivalStatisticsTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    private final List<ArchivedWal> segments = new ArrayList<>();
    private final Map<String, Instant> lastCommits = new HashMap<>();
    private final List<String> summariesRead = new ArrayList<>();

    @Test
    void segmentsArchivedPromptlyCountPerHourWithABacklogOfOne() {
        arrive(1, T0.plusSeconds(60), T0.plusSeconds(58));
        arrive(2, T0.plusSeconds(1800), T0.plusSeconds(1799));
        arrive(3, T0.plusSeconds(3700), T0.plusSeconds(3690));

        WalArrivals wal = collect(T0, 100);

        assertThat(wal.segments()).isEqualTo(3);
        assertThat(wal.hours()).extracting(RepositoryReport.WalHour::hour).containsExactly(T0, T0.plusSeconds(3600));
        assertThat(wal.hours()).extracting(RepositoryReport.WalHour::segments).containsExactly(2, 1);
        assertThat(wal.hours().get(0).storedBytes()).isEqualTo(2000);
        assertThat(wal.largestBacklog()).isEqualTo(1);
        assertThat(wal.largestDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(wal.largestDelaySegment()).isEqualTo(name(3));
    }

    @Test
    void segmentsWrittenWhileTheArchiverWasStuckMakeABacklogAtTheFirstArrival() {
        // Three segments filled by 14:03, archiving stopped until 14:30, then all arrived within a minute.
        arrive(1, T0.plusSeconds(1800), T0.plusSeconds(60));
        arrive(2, T0.plusSeconds(1810), T0.plusSeconds(120));
        arrive(3, T0.plusSeconds(1820), T0.plusSeconds(180));
        arrive(4, T0.plusSeconds(1900), T0.plusSeconds(1890));

        WalArrivals wal = collect(T0, 100);

        assertThat(wal.largestBacklog()).isEqualTo(3);
        assertThat(wal.largestBacklogAt()).isEqualTo(T0.plusSeconds(1800));
        assertThat(wal.largestDelay()).isEqualTo(Duration.ofSeconds(1740));
        assertThat(wal.largestDelaySegment()).isEqualTo(name(1));
        assertThat(wal.hours()).singleElement().satisfies(h -> {
            assertThat(h.segments()).isEqualTo(4);
            assertThat(h.largestBacklog()).isEqualTo(3);
        });
    }

    @Test
    void onlyTheNewestSegmentsAreTimedAndOlderOnesStillCount() {
        for (int s = 1; s <= 5; s++) {
            arrive(s, T0.plusSeconds(60L * s), T0.plusSeconds(60L * s - 5));
        }
        arrive(6, T0.minusSeconds(3600), T0.minusSeconds(3700)); // before the period

        WalArrivals wal = collect(T0, 2);

        assertThat(wal.segments()).isEqualTo(5);
        assertThat(wal.summariesRead()).isEqualTo(2);
        assertThat(wal.summariesSkipped()).isEqualTo(3);
        assertThat(summariesRead).containsExactly(name(4), name(5));
    }

    @Test
    void segmentsWithoutACommitCountButAreNotTimed() {
        arrive(1, T0.plusSeconds(60), null);

        WalArrivals wal = collect(T0, 100);

        assertThat(wal.segments()).isEqualTo(1);
        assertThat(wal.largestDelay()).isNull();
        assertThat(wal.largestBacklog()).isZero();
        assertThat(wal.hours().get(0).largestDelay()).isNull();
    }

    @Test
    void anEmptyArchiveHasNoHours() {
        WalArrivals wal = collect(T0, 100);
        assertThat(wal.hours()).isEmpty();
        assertThat(wal.segments()).isZero();
        assertThat(wal.since()).isEqualTo(T0);
    }

    private WalArrivals collect(Instant since, int limit) {
        return new WalArrivalStatistics(segments, s -> {
            summariesRead.add(s.fileName());
            Instant last = lastCommits.get(s.fileName());
            return last == null ? Optional.empty()
                    : Optional.of(new WalSummary(last, last, 1, null, null, List.of(), null));
        }).collect(since, limit);
    }

    private void arrive(int segment, Instant at, Instant lastCommit) {
        segments.add(new ArchivedWal(name(segment), "ab", "wal/" + name(segment), 1000, at));
        if (lastCommit != null) {
            lastCommits.put(name(segment), lastCommit);
        }
    }

    private static String name(int segment) {
        return String.format("%08X%08X%08X", 1, 0, segment);
    }
}
