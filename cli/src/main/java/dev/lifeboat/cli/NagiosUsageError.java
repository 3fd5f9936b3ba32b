package dev.lifeboat.cli;

import dev.lifeboat.core.check.CheckState;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * A usage error of `check --output nagios`, as the monitoring-plugin guidelines want it: exit 3
 * (UNKNOWN, not 2, which a monitor reads as CRITICAL) and the status line on stdout, where the
 * monitor looks (stderr has the usual lines for people). The hint follows as the plugin's long output.
 */
final class NagiosUsageError {

    private NagiosUsageError() {
    }

    static int report(CommandLine cmd, String problem) {
        PrintWriter out = cmd.getOut();
        out.println("LIFEBOAT " + CheckState.UNKNOWN + " - " + problem.replace('\n', ' ').replace('|', '/'));
        out.println("hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        out.flush();
        return CheckState.UNKNOWN.exitCode();
    }
}
