package dev.lifeboat.cli.common;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.PrintStream;
import java.util.function.IntConsumer;

/**
 * Ends the process when any thread runs out of memory: one line and a hint, and the exit
 * status of {@link ErrorCode#INTERNAL} (wal-fetch's that aborts recovery), never a stack trace.
 * The main thread's failures are reported by {@code Main.run}; this catches those of the
 * agent's and a backup's worker threads, which would otherwise print a stack trace and leave the
 * process running without them. (The JVM's -XX:+ExitOnOutOfMemoryError exits 3, which is
 * Lifeboat's status for a configuration error, with a message of the JVM's own.)
 *
 * <p>The lines are made before they are needed: when memory has run out there may be none to make them.
 */
public final class OutOfMemoryExit implements Thread.UncaughtExceptionHandler {

    private final PrintStream err;
    private final String error;
    private final String hint;
    private final int status;
    private final IntConsumer halt;
    private final Thread.UncaughtExceptionHandler others;

    OutOfMemoryExit(PrintStream err, String command, IntConsumer halt, Thread.UncaughtExceptionHandler others) {
        LifeboatException failure = Failures.outOfMemory(new OutOfMemoryError("Java heap space"));
        this.err = err;
        this.error = "lifeboat: error: " + failure.getMessage();
        this.hint = "  hint: " + failure.hint();
        this.status = ExitStatus.ofFailure(command, ErrorCode.INTERNAL);
        this.halt = halt;
        this.others = others;
    }

    /** Makes every thread's OutOfMemoryError end the process (only in the real process: tests use Main.run). */
    public static void install(PrintStream err, String command) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(new OutOfMemoryExit(err, command, Runtime.getRuntime()::halt, previous));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        if (Failures.findOutOfMemory(e) == null) {
            if (others != null) {
                others.uncaughtException(thread, e);
            } else {
                thread.getThreadGroup().uncaughtException(thread, e);
            }
            return;
        }
        try {
            err.println(error);
            err.println(hint);
            err.flush();
        } finally {
            halt.accept(status); // halt, not exit: shutdown hooks would need memory and threads that may be gone
        }
    }
}
