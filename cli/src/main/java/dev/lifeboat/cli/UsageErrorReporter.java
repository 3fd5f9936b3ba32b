package dev.lifeboat.cli;

import dev.lifeboat.cli.command.LifeboatSubcommand;
import dev.lifeboat.core.error.ErrorCode;
import picocli.CommandLine;

import java.io.PrintWriter;

/** A wrong flag gets one line, where to look for help, and exit status 2. */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("lifeboat: error: " + ex.getMessage());
        err.println("  hint: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        if (cmd.getCommand() instanceof LifeboatSubcommand sub && sub.abortsRecoveryOnFailure()) {
            return ErrorCode.WAL_FETCH_ABORT_RECOVERY;
        }
        return ErrorCode.USAGE.exitCode();
    }
}
