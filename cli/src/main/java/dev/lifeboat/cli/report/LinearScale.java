package dev.lifeboat.cli.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps values onto pixels along one axis, from zero (or a given minimum) to a "nice" maximum
 * so that the ticks fall on round numbers.
 */
final class LinearScale {

    private final double min;
    private final double max;
    private final double from;
    private final double to;
    private final double step;

    /** A scale covering {@code [0, largest]} from pixel {@code from} to {@code to} (to may be less than from, as y grows down). */
    static LinearScale fromZero(double largest, double from, double to) {
        double top = largest > 0 && Double.isFinite(largest) ? largest : 1;
        double step = niceStep(top / 4);
        return new LinearScale(0, Math.ceil(top / step - 1e-9) * step, from, to, step);
    }

    private LinearScale(double min, double max, double from, double to, double step) {
        this.min = min;
        this.max = max;
        this.from = from;
        this.to = to;
        this.step = step;
    }

    double map(double value) {
        return from + (value - min) / (max - min) * (to - from);
    }

    double max() {
        return max;
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; min + i * step <= max + step * 1e-9; i++) {
            ticks.add(min + i * step);
        }
        return ticks;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double factor : new double[]{1, 2, 5, 10}) {
            if (factor * power >= rough * (1 - 1e-9)) {
                return factor * power;
            }
        }
        return 10 * power;
    }
}
