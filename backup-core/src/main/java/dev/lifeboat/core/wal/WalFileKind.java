package dev.lifeboat.core.wal;

/** The kinds of file PostgreSQL hands to {@code archive_command} and asks of {@code restore_command}. */
public enum WalFileKind {
    /** A complete WAL segment: {@code 000000010000000A000000FF}. */
    SEGMENT,
    /** A segment cut short at a timeline switch or by pg_receivewal: {@code ...000000FF.partial}. */
    PARTIAL,
    /** A timeline history file: {@code 00000002.history}. */
    HISTORY,
    /** A backup history file written by pg_backup_stop: {@code 000000010000000000000002.00000028.backup}. */
    BACKUP_HISTORY
}
