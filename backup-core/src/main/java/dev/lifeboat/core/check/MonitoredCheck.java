package dev.lifeboat.core.check;

/**
 * One check as a monitor sees it: its state, the value measured and the limits it was judged by.
 *
 * @param name     stable snake_case name (the perfdata label, the Prometheus {@code check} label)
 * @param value    what was measured, in {@code unit}; null when nothing could be measured
 * @param unit     "s" (seconds), "B" (bytes), "%" or "" (a count)
 * @param warning  the warning limit, in {@code unit}; null when off
 * @param critical the critical limit; null when off
 * @param lowIsBad whether the limits are lower bounds (free space)
 * @param summary  one line a person reads
 */
public record MonitoredCheck(String name, CheckState state, Double value, String unit, Double warning, Double critical,
                             boolean lowIsBad, String summary) {

    static MonitoredCheck judged(String name, double value, String unit, Threshold limits, String summary) {
        return new MonitoredCheck(name, limits.judge(value), value, unit, limits.warning(), limits.critical(), limits.lowIsBad(), summary);
    }

    /** The same check as one repository's among several: "eu/backup_age", its summary starting "eu: ". */
    public MonitoredCheck of(String repositoryName) {
        return new MonitoredCheck(repositoryName + "/" + name, state, value, unit, warning, critical, lowIsBad, repositoryName + ": " + summary);
    }

    /** A check with limits that had nothing to measure (no backup yet): its state is given, its limits still shown. */
    static MonitoredCheck unmeasured(String name, CheckState state, String unit, Threshold limits, String summary) {
        return new MonitoredCheck(name, state, null, unit, limits.warning(), limits.critical(), limits.lowIsBad(), summary);
    }

    static MonitoredCheck fixed(String name, CheckState state, Double value, String unit, String summary) {
        return new MonitoredCheck(name, state, value, unit, null, null, false, summary);
    }
}
