package dev.lifeboat.core.pg;

/** How far a starting server has come, in the order a start goes through them. */
public enum StartupPhase {
    /** The postmaster runs (it wrote postmaster.pid). */
    PROCESS_STARTED,
    /** A connection succeeded: during recovery that means a consistent, read-only server. */
    ACCEPTING_CONNECTIONS,
    /**
     * Still replaying WAL; reported again as the replayed position moves. Seen only while the
     * server takes read-only connections during recovery (hot_standby = on, once consistent):
     * crash recovery, for one, goes from {@link #PROCESS_STARTED} straight to a ready server.
     */
    RECOVERING,
    /** pg_is_in_recovery() is false: recovery ended (or there was none). */
    RECOVERY_FINISHED,
    /** A write succeeded: a transaction id was assigned. */
    OPEN_FOR_WRITES
}
