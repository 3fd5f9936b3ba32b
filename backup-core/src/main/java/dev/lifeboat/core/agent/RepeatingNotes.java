package dev.lifeboat.core.agent;

/**
 * Passes a note on to the listener unless it only repeats the last one: a data directory that
 * vanished or a server that is down would otherwise fill the log with the same line every few
 * milliseconds. A repeated note is passed on again after five minutes, so it is not forgotten.
 */
final class RepeatingNotes {

    private static final long AGAIN_AFTER_NANOS = 5L * 60 * 1_000_000_000L;

    private final AgentListener listener;
    private String last;
    private long lastAt;

    RepeatingNotes(AgentListener listener) {
        this.listener = listener;
    }

    synchronized void note(String message) {
        long now = System.nanoTime();
        if (message.equals(last) && now - lastAt < AGAIN_AFTER_NANOS) {
            return;
        }
        last = message;
        lastAt = now;
        listener.note(message);
    }
}
