package dev.lifeboat.cli.report;

import java.time.Duration;
import java.util.Locale;

/** Sizes, durations and axis numbers as the page shows them (binary units, like `info`). */
final class Quantities {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

    private Quantities() {
    }

    static String bytes(long bytes) {
        String unit = unitFor(bytes);
        return unit.equals("B") ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", in(bytes, unit), unit);
    }

    /** The largest binary unit in which {@code bytes} is at least one. */
    static String unitFor(long bytes) {
        int i = 0;
        while (i < UNITS.length - 1 && bytes >= 1L << (10 * (i + 1))) {
            i++;
        }
        return UNITS[i];
    }

    static double in(long bytes, String unit) {
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return bytes / (double) (1L << (10 * i));
            }
        }
        throw new IllegalArgumentException(unit);
    }

    static String duration(Duration d) {
        double s = d.toMillis() / 1000.0;
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }

    /** An axis number: whole when it is, else as few decimals as it needs. */
    static String number(double v) {
        if (v == Math.rint(v)) {
            return String.valueOf((long) v);
        }
        String text = String.format(Locale.ROOT, "%.3f", v);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
