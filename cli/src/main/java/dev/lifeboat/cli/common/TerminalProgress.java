package dev.lifeboat.cli.common;

import dev.lifeboat.core.ProgressListener;

import java.io.PrintStream;

/**
 * Progress on stderr while a person watches: step lines and one redrawn counter line.
 * Off when no terminal is attached (cron, CI, archive_command), so logs stay short.
 */
public final class TerminalProgress implements ProgressListener {

    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private long lastDraw;
    private boolean counterShown;

    private TerminalProgress(PrintStream err) {
        this.err = err;
    }

    /** A listener that draws when a terminal is attached and does nothing otherwise. */
    public static ProgressListener forTerminal(PrintStream err, boolean enabled) {
        return enabled && System.console() != null ? new TerminalProgress(err) : ProgressListener.NONE;
    }

    @Override
    public synchronized void step(String description) {
        clearCounter();
        err.println("  " + description);
        err.flush();
    }

    @Override
    public synchronized void advance(String what, long done, long total) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && done != total) {
            return;
        }
        lastDraw = now;
        String line = "bytes".equals(what)
                ? String.format("    %,.1f MB", done / 1e6) + (total > 0 ? String.format(" of %,.1f MB (%d%%)", total / 1e6, done * 100 / total) : "")
                : String.format("    %d%s %s", done, total > 0 ? " of " + total : "", what);
        err.print("\r" + line + "    ");
        err.flush();
        counterShown = true;
    }

    private void clearCounter() {
        if (counterShown) {
            err.print("\r" + " ".repeat(60) + "\r");
            counterShown = false;
        }
    }
}
