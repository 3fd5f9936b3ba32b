package dev.lifeboat.cli;

import dev.lifeboat.cli.command.LifeboatSubcommand;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.InvalidStoreLocationException;
import dev.lifeboat.storage.StorageException;
import picocli.CommandLine;

import java.util.Optional;

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
        LifeboatException failure = asLifeboatException(ex);
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

    static LifeboatException asLifeboatException(Throwable ex) {
        Optional<LifeboatException> nativeLibrary = NativeLibraryFailure.recognise(ex);
        if (nativeLibrary.isPresent()) {
            return nativeLibrary.get();
        }
        if (ex instanceof LifeboatException le) {
            return le;
        }
        if (ex instanceof InvalidStoreLocationException invalid) {
            // Malformed arguments, not a store failure: nothing was asked of any store.
            return new LifeboatException(ErrorCode.USAGE, invalid.getMessage(),
                    "write a directory or a store URI such as s3://bucket/prefix?region=eu-west-1", invalid);
        }
        if (ex instanceof StorageException se) {
            return Failures.fromStorage(se);
        }
        if (ex instanceof IllegalArgumentException iae) {
            return new LifeboatException(ErrorCode.USAGE, iae.getMessage(), "see --help", iae);
        }
        if (ex instanceof java.io.UncheckedIOException uio) {
            return new LifeboatException(ErrorCode.STORAGE, String.valueOf(uio.getCause().getMessage()), null, uio);
        }
        if (ex instanceof OutOfMemoryError) {
            return new LifeboatException(ErrorCode.INTERNAL, "the Java runtime ran out of memory: " + ex.getMessage(),
                    "give it more with LIFEBOAT_JAVA_OPTS=-Xmx1g (bin/lifeboat gives WAL commands 256 MB)", ex);
        }
        return new LifeboatException(ErrorCode.INTERNAL, ex.getClass().getSimpleName() + ": " + ex.getMessage(),
                "this is a bug in Lifeboat: run again with --debug and report the output", ex);
    }
}
