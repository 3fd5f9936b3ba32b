package dev.lifeboat.cli;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ExitStatus;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.command.LifeboatSubcommand;
import dev.lifeboat.core.error.LifeboatException;
import picocli.CommandLine;

/**
 * Turns any failure into one line naming the problem, a hint, and the documented exit code.
 * Stack traces only with --debug.
 */
final class FailureReporter implements CommandLine.IExecutionExceptionHandler {

    private final CliContext context;

    FailureReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        LifeboatException failure = Failures.asLifeboatException(ex);
        Object command = commandLine.getCommand();
        boolean debug = false;
        OutputFormat output = OutputFormat.text;
        if (command instanceof LifeboatSubcommand sub) {
            debug = sub.common().debug;
            output = sub.common().output;
        }
        Failures.print(context, failure, output, debug ? ex : null);
        return ExitStatus.ofFailure(commandLine.getCommandName(), failure.code());
    }
}
