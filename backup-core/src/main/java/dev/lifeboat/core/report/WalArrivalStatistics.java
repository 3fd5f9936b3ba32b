package dev.lifeboat.core.report;

import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.report.RepositoryReport.WalArrivals;
import dev.lifeboat.core.report.RepositoryReport.WalHour;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Arrivals of WAL segments per hour, with the delay and backlog the archive can tell from
 * each segment's last commit (see {@link WalArrivals}). Pure arithmetic over a listing and
 * the summaries it asks for.
 */
final class WalArrivalStatistics {

    private final List<ArchivedWal> segments;
    private final Function<ArchivedWal, Optional<WalSummary>> summaries;

    WalArrivalStatistics(List<ArchivedWal> segments, Function<ArchivedWal, Optional<WalSummary>> summaries) {
        this.segments = segments;
        this.summaries = summaries;
    }

    /** A segment with its arrival and, when its summary tells it, its last commit. */
    private record Timed(ArchivedWal segment, Instant arrived, Instant lastCommit) {
    }

    WalArrivals collect(Instant since, int summaryLimit) {
        List<ArchivedWal> inPeriod = segments.stream().filter(s -> s.archivedAt() != null && !s.archivedAt().isBefore(since))
                .sorted(Comparator.comparing(ArchivedWal::archivedAt).thenComparing(ArchivedWal::fileName)).toList();
        int skipped = Math.max(0, inPeriod.size() - summaryLimit);
        List<Timed> timed = new ArrayList<>();
        for (int i = 0; i < inPeriod.size(); i++) {
            ArchivedWal s = inPeriod.get(i);
            Instant lastCommit = i < skipped ? null : summaries.apply(s).map(WalSummary::lastTransactionTime).orElse(null);
            timed.add(new Timed(s, s.archivedAt(), lastCommit));
        }
        Map<Instant, List<Timed>> byHour = new TreeMap<>();
        for (Timed t : timed) {
            byHour.computeIfAbsent(t.arrived().truncatedTo(ChronoUnit.HOURS), h -> new ArrayList<>()).add(t);
        }
        List<WalHour> hours = new ArrayList<>();
        Duration largestDelay = null;
        String largestDelaySegment = null;
        int largestBacklog = 0;
        Instant largestBacklogAt = null;
        for (Map.Entry<Instant, List<Timed>> hour : byHour.entrySet()) {
            long bytes = 0;
            Duration hourDelay = null;
            int hourBacklog = 0;
            for (Timed t : hour.getValue()) {
                bytes += t.segment().storedSize();
                Duration delay = delay(t);
                if (delay != null && (hourDelay == null || delay.compareTo(hourDelay) > 0)) {
                    hourDelay = delay;
                }
                if (delay != null && (largestDelay == null || delay.compareTo(largestDelay) > 0)) {
                    largestDelay = delay;
                    largestDelaySegment = t.segment().fileName();
                }
                int backlog = backlogAt(t, timed);
                hourBacklog = Math.max(hourBacklog, backlog);
                if (backlog > largestBacklog) {
                    largestBacklog = backlog;
                    largestBacklogAt = t.arrived();
                }
            }
            hours.add(new WalHour(hour.getKey(), hour.getValue().size(), bytes, hourDelay, hourBacklog));
        }
        return new WalArrivals(since, hours, inPeriod.size(), inPeriod.size() - skipped, skipped, largestDelay, largestDelaySegment,
                largestBacklog, largestBacklogAt);
    }

    /** From the last commit to the arrival; never negative (clocks of two hosts may disagree a little). */
    private static Duration delay(Timed t) {
        if (t.lastCommit() == null) {
            return null;
        }
        Duration d = Duration.between(t.lastCommit(), t.arrived());
        return d.isNegative() ? Duration.ZERO : d;
    }

    /**
     * Segments waiting when this one arrived: itself, and every other whose last commit was
     * already written but which arrived later. Zero when this segment cannot be timed.
     */
    private static int backlogAt(Timed arriving, List<Timed> all) {
        if (arriving.lastCommit() == null) {
            return 0;
        }
        int waiting = 1;
        for (Timed other : all) {
            if (other != arriving && other.lastCommit() != null && !other.lastCommit().isAfter(arriving.arrived())
                    && other.arrived().isAfter(arriving.arrived())) {
                waiting++;
            }
        }
        return waiting;
    }
}
