package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of an external program (initdb, pg_ctl, runuser, tar) with its standard output and
 * error captured together, so that a failure can be reported with what the program said.
 */
record ExternalCommand(List<String> argv, Map<String, String> environment, Duration timeout) {

    ExternalCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    static ExternalCommand of(List<String> argv, Duration timeout) {
        return new ExternalCommand(argv, Map.of(), timeout);
    }

    /** What the program printed and how it ended. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs the program to its end. Fails with {@link ErrorCode#POSTGRES} when it cannot be
     * started and with {@link ErrorCode#TIMEOUT} (after killing it) when it runs too long; a
     * non-zero exit status is the caller's to judge.
     */
    Result run() {
        // No input: a program that asks a question (a password prompt) must fail, not hang.
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.POSTGRES,
                    "cannot run " + argv.get(0) + ": " + e.getMessage(), null, e);
        }
        OutputReader reader = new OutputReader(process.getInputStream());
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new LifeboatException(ErrorCode.TIMEOUT,
                        display() + " did not finish within " + timeout.toSeconds() + " s");
            }
            reader.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while running " + display());
        }
        return new Result(process.exitValue(), reader.output());
    }

    /** The command line for messages. */
    String display() {
        return String.join(" ", argv);
    }

    /**
     * Drains the output on its own thread: a program that fills the pipe would otherwise
     * block before it exits.
     */
    private static final class OutputReader extends Thread {
        private final InputStream in;
        private volatile String output = "";

        OutputReader(InputStream in) {
            super("external-command-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            try (in) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String output() {
            return output.strip();
        }
    }
}
