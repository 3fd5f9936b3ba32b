package dev.lifeboat.core.check;

/**
 * A monitored check's state, with the exit status the monitoring-plugin guidelines give it
 * (Nagios, Icinga, Zabbix and Sensu read these as they are).
 */
public enum CheckState {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

    private final int exitCode;

    CheckState(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The state that calls for attention first: CRITICAL, then WARNING, then UNKNOWN, then OK.
     * An unknown check is less urgent than a check known to be failing, as the guidelines rank them.
     */
    public static CheckState worst(Iterable<CheckState> states) {
        CheckState worst = OK;
        for (CheckState s : states) {
            if (rank(s) > rank(worst)) {
                worst = s;
            }
        }
        return worst;
    }

    private static int rank(CheckState s) {
        return switch (s) {
            case OK -> 0;
            case UNKNOWN -> 1;
            case WARNING -> 2;
            case CRITICAL -> 3;
        };
    }
}
