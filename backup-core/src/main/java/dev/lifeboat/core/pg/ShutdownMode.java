package dev.lifeboat.core.pg;

/** How a server is stopped (pg_ctl stop -m). */
public enum ShutdownMode {
    /** Waits for every client to disconnect. */
    SMART,
    /** Disconnects clients, writes a shutdown checkpoint: the normal way. */
    FAST,
    /** Stops at once, without a checkpoint: the next start runs crash recovery. */
    IMMEDIATE;

    String pgCtlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
