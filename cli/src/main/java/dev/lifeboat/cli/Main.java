package dev.lifeboat.cli;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ExitStatus;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.cli.common.OutOfMemoryExit;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.core.error.LifeboatException;

import java.io.PrintStream;
import java.util.Map;

/** Process entry point; {@link #run} is the same CLI without System.exit, for tests. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        OutOfMemoryExit.install(System.err, args.length > 0 ? args[0] : null);
        int status = run(System.out, System.err, System.getenv(), args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    public static int run(PrintStream out, PrintStream err, Map<String, String> env, String... args) {
        try {
            return CommandLineFactory.create(out, err, env, args).execute(args);
        } catch (RuntimeException | Error e) {
            // A failure outside any command (a class that cannot load while the command line is
            // built) still gets one line, not a stack trace and the JVM's exit 1.
            LifeboatException failure = Failures.asLifeboatException(e);
            Failures.print(new CliContext(out, err, env, null), failure, OutputFormat.text, null);
            return ExitStatus.ofFailure(args.length > 0 ? args[0] : null, failure.code());
        }
    }
}
