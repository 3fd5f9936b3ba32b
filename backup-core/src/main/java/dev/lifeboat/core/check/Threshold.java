package dev.lifeboat.core.check;

/**
 * A check's warning and critical limits. Most values are bad when high (an age, a backlog); free
 * space is bad when low. A null limit is off.
 *
 * @param warning     at or beyond this (past it, for high-is-bad values) the check warns
 * @param critical    past this it is critical
 * @param lowIsBad    whether falling below the limits is the problem (free space)
 */
public record Threshold(Double warning, Double critical, boolean lowIsBad) {

    public static Threshold above(Double warning, Double critical) {
        return new Threshold(warning, critical, false);
    }

    public static Threshold below(Double warning, Double critical) {
        return new Threshold(warning, critical, true);
    }

    public static Threshold off() {
        return new Threshold(null, null, false);
    }

    /** The state of {@code value} against these limits: beyond critical, else beyond warning, else OK. */
    public CheckState judge(double value) {
        if (beyond(value, critical)) {
            return CheckState.CRITICAL;
        }
        if (beyond(value, warning)) {
            return CheckState.WARNING;
        }
        return CheckState.OK;
    }

    private boolean beyond(double value, Double limit) {
        return limit != null && (lowIsBad ? value < limit : value > limit);
    }
}
