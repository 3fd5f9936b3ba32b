package dev.lifeboat.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps instants onto pixels, with ticks on round UTC times (seconds, minutes, hours or days,
 * as the span needs). A span shorter than two minutes (one backup, a test's few seconds) is
 * widened to two minutes around it, so that a single backup lands in the middle of the plot.
 */
final class TimeScale {

    private static final Duration[] STEPS = {Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12),
            Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(7), Duration.ofDays(14), Duration.ofDays(30)};
    private static final Duration SHORTEST = Duration.ofMinutes(2);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final Instant start;
    private final Instant end;
    private final double from;
    private final double to;
    private final Duration step;

    /** A scale over the instants given (nulls ignored), padded by a twentieth on each side. */
    static TimeScale covering(List<Instant> instants, double from, double to) {
        Instant first = instants.stream().filter(java.util.Objects::nonNull).min(Instant::compareTo).orElse(null);
        Instant last = instants.stream().filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
        if (first == null) {
            first = Instant.EPOCH;
            last = first;
        }
        Duration span = Duration.between(first, last);
        if (span.compareTo(SHORTEST) < 0) {
            Duration half = SHORTEST.minus(span).dividedBy(2);
            return new TimeScale(first.minus(half), last.plus(half), from, to);
        }
        Duration pad = span.dividedBy(20);
        return new TimeScale(first.minus(pad), last.plus(pad), from, to);
    }

    TimeScale(Instant start, Instant end, double from, double to) {
        this.start = start;
        this.end = end;
        this.from = from;
        this.to = to;
        Duration span = Duration.between(start, end);
        Duration chosen = STEPS[STEPS.length - 1];
        for (Duration s : STEPS) {
            if (span.dividedBy(s) <= 8) {
                chosen = s;
                break;
            }
        }
        this.step = chosen;
    }

    double map(Instant t) {
        double total = Duration.between(start, end).toMillis();
        return from + Duration.between(start, t).toMillis() / total * (to - from);
    }

    /** Pixels per duration along this axis. */
    double width(Duration d) {
        return d.toMillis() / (double) Duration.between(start, end).toMillis() * (to - from);
    }

    /** Round instants inside the span: multiples of the step since the epoch (UTC midnight for days). */
    List<Instant> ticks() {
        long stepMs = step.toMillis();
        long first = Math.floorDiv(start.toEpochMilli() + stepMs - 1, stepMs) * stepMs;
        List<Instant> ticks = new ArrayList<>();
        for (long t = first; t <= end.toEpochMilli(); t += stepMs) {
            ticks.add(Instant.ofEpochMilli(t));
        }
        return ticks;
    }

    /** The label of a tick: the clock within a day, the day when steps are days, both on the first tick of a plot. */
    String label(Instant tick, boolean first) {
        if (step.compareTo(Duration.ofDays(1)) >= 0) {
            return DAY.format(tick);
        }
        if (step.compareTo(Duration.ofMinutes(1)) < 0) {
            return first ? DAY.format(tick) + " " + SECONDS.format(tick) : SECONDS.format(tick);
        }
        return first || tick.atOffset(ZoneOffset.UTC).toLocalTime().equals(java.time.LocalTime.MIDNIGHT)
                ? DAY_AND_CLOCK.format(tick) : CLOCK.format(tick);
    }
}
