package dev.lifeboat.cli.command;

import dev.lifeboat.core.check.CheckState;
import dev.lifeboat.core.check.MonitorChecks;
import dev.lifeboat.core.check.MonitoredCheck;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * `check --output nagios`: the monitoring-plugin form Nagios, Icinga, Zabbix and Sensu read. One
 * status line, {@code LIFEBOAT <STATE> - <summary> | <perfdata>}, then one line per check; the
 * exit status is the state's (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
final class NagiosStatus {

    private final List<MonitoredCheck> checks;

    NagiosStatus(List<MonitoredCheck> checks) {
        this.checks = checks;
    }

    CheckState state() {
        return MonitorChecks.overall(checks);
    }

    void print(PrintStream out) {
        out.println("LIFEBOAT " + state() + " - " + summary() + perfdata());
        for (MonitoredCheck check : checks) {
            out.println(check.state() + ": " + check.name() + ": " + oneLine(detail(check)));
        }
    }

    /** A check of one of several repositories already says which in its name ("eu/backup_age"). */
    private static String detail(MonitoredCheck check) {
        int slash = check.name().indexOf('/');
        String prefix = slash > 0 ? check.name().substring(0, slash) + ": " : null;
        return prefix != null && check.summary().startsWith(prefix) ? check.summary().substring(prefix.length()) : check.summary();
    }

    /** The checks that are not OK, most urgent first; else how many passed. */
    private String summary() {
        List<MonitoredCheck> notOk = checks.stream().filter(c -> c.state() != CheckState.OK)
                .sorted(Comparator.comparingInt((MonitoredCheck c) -> urgency(c.state())).reversed()).toList();
        if (notOk.isEmpty()) {
            return checks.size() + " checks OK";
        }
        return notOk.stream().map(c -> oneLine(c.summary())).collect(Collectors.joining("; "));
    }

    private static int urgency(CheckState state) {
        return switch (state) {
            case CRITICAL -> 3;
            case WARNING -> 2;
            case UNKNOWN -> 1;
            case OK -> 0;
        };
    }

    /** Performance data of every check that measured a value: 'label'=value[UOM];warn;crit;min;max. */
    private String perfdata() {
        String data = checks.stream().filter(c -> c.value() != null).map(NagiosStatus::perfdata).collect(Collectors.joining(" "));
        return data.isEmpty() ? "" : " | " + data;
    }

    static String perfdata(MonitoredCheck c) {
        String max = c.unit().equals("%") ? "100" : "";
        return "'" + c.name() + "'=" + number(c.value()) + c.unit() + ";" + limit(c.warning(), c.lowIsBad()) + ";"
                + limit(c.critical(), c.lowIsBad()) + ";0;" + max;
    }

    /** A lower bound is written as a range, "10:" (alert below 10), as the plugin guidelines say. */
    private static String limit(Double value, boolean lowIsBad) {
        if (value == null) {
            return "";
        }
        return number(value) + (lowIsBad ? ":" : "");
    }

    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.3f", value).replaceFirst("0+$", "");
    }

    /** Text after '|' is performance data: a summary must never contain one. */
    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('|', '/');
    }
}
