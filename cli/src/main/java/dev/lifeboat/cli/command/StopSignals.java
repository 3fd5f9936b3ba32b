package dev.lifeboat.cli.command;

/**
 * SIGTERM (systemd, kill) and SIGINT (Ctrl-C) as a request to stop, for the long-running
 * commands: they finish what is under way and return, so the process exits 0 instead of being
 * cut off by the JVM's default handler (exit 143).
 */
final class StopSignals {

    private StopSignals() {
    }

    @SuppressWarnings("removal")
    static void onTermination(Runnable stop) {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // Not available here: the JVM's own handler still stops the process.
                Runtime.getRuntime().addShutdownHook(new Thread(stop));
                return;
            }
        }
    }
}
