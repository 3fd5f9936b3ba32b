package dev.lifeboat.core.pg;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A TCP port that {@link FreePort#reserve()} handed out: other Lifeboat processes on this
 * machine will not pick it until {@link #close()}. It does not bind the port; the server that
 * is started on it does.
 */
public final class PortReservation implements AutoCloseable {

    private final int port;
    private final FileChannel lock;

    PortReservation(int port, FileChannel lock) {
        this.port = port;
        this.lock = lock;
    }

    public int port() {
        return port;
    }

    /** Lets other processes pick the port again (the server using it keeps it bound). */
    @Override
    public void close() {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // Closing the channel releases the lock; there is nothing else to undo.
            }
        }
    }

    @Override
    public String toString() {
        return "port " + port;
    }
}
