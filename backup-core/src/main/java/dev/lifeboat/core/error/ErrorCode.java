package dev.lifeboat.core.error;

/**
 * Every failure a user can meet, with the process exit status it maps to. The numbers are
 * part of Lifeboat's interface (README.md lists them): scripts and monitors depend on them,
 * so a number once given is never reused for something else.
 */
public enum ErrorCode {
    /** wal-fetch only: the requested WAL file is not in the repository (a clean answer). */
    NOT_FOUND(1),
    /** Bad flags or arguments. */
    USAGE(2),
    /** The configuration file or an environment variable is wrong. */
    CONFIG(3),
    /** The repository is missing, not initialised, of another cluster, or inconsistent. */
    REPOSITORY(4),
    /** PostgreSQL is unreachable, refuses, or is not the cluster the flags name. */
    POSTGRES(5),
    /** A recovery target that no backup and archived WAL can reach. */
    TARGET(6),
    /** The restore destination cannot be used: directory not empty, port in use. */
    DESTINATION(7),
    /** The store cannot be read or written: unreachable, no permission, I/O error. */
    STORAGE(8),
    /** An object's content does not match its checksum or cannot be decoded. */
    CORRUPT(9),
    /** wal-push: a different file is already archived under the same name. */
    CONFLICT(10),
    /** Something did not happen in time: WAL not archived, recovery not finished. */
    TIMEOUT(11),
    /** The restored instance did not start, failed recovery or stopped. */
    RECOVERY(12),
    /** A check did not pass (demo, verify, drill). */
    CHECK_FAILED(13),
    /**
     * Another backup, expire or replicate holds the repository's lock: nothing was done, and
     * running the command again once the holder has finished is safe.
     */
    LOCKED(14),
    /** A bug in Lifeboat: the message says what happened; --debug shows where. */
    INTERNAL(70);

    /**
     * wal-fetch exit status for every failure other than "not found". PostgreSQL treats an
     * exit status above 125 as fatal and stops recovery, instead of taking the failure as the
     * end of the archive and promoting at the wrong point.
     */
    public static final int WAL_FETCH_ABORT_RECOVERY = 128;

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
