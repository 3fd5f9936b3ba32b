package dev.lifeboat.core.error;

/**
 * Every failure a user can meet, with the process exit status it maps to. The numbers are
 * part of Lifeboat's interface (README.md lists them): scripts and monitors depend on them,
 * so a number once given is never reused for something else. Which status a process exits
 * with (wal-fetch's differ) is decided in one place: the CLI's {@code ExitStatus}.
 */
public enum ErrorCode {
    /** wal-fetch only: the requested WAL file is not in the repository (a clean answer). */
    NOT_FOUND(1, "WAL file not found (wal-fetch)"),
    /** Bad flags or arguments. */
    USAGE(2, "usage"),
    /** The configuration file or an environment variable is wrong. */
    CONFIG(3, "configuration"),
    /** The repository is missing, not initialised, of another cluster, or inconsistent. */
    REPOSITORY(4, "repository"),
    /** PostgreSQL is unreachable, refuses, or is not the cluster the flags name. */
    POSTGRES(5, "PostgreSQL"),
    /** A recovery target that no backup and archived WAL can reach. */
    TARGET(6, "recovery target"),
    /** The restore destination cannot be used: directory not empty, port in use. */
    DESTINATION(7, "restore destination"),
    /** The store cannot be read or written: unreachable, no permission, I/O error. */
    STORAGE(8, "storage"),
    /** An object's content does not match its checksum or cannot be decoded. */
    CORRUPT(9, "corrupt object"),
    /** wal-push: a different file is already archived under the same name. */
    CONFLICT(10, "conflict"),
    /** Something did not happen in time: WAL not archived, recovery not finished. */
    TIMEOUT(11, "timeout"),
    /** The restored instance did not start, failed recovery or stopped. */
    RECOVERY(12, "recovery failed"),
    /** A check did not pass (demo, verify, drill). */
    CHECK_FAILED(13, "check failed (drill, demo)"),
    /**
     * Another backup, expire or replicate holds the repository's lock: nothing was done, and
     * running the command again once the holder has finished is safe.
     */
    LOCKED(14, "locked"),
    /**
     * An encrypted repository's key is missing, unreadable, refused (a key file others can read)
     * or wrong: nothing was written or restored.
     */
    KEY(15, "encryption key"),
    /** A bug in Lifeboat: the message says what happened; --debug shows where. */
    INTERNAL(70, "internal");

    private final int exitCode;
    private final String summary;

    ErrorCode(int exitCode, String summary) {
        this.exitCode = exitCode;
        this.summary = summary;
    }

    public int exitCode() {
        return exitCode;
    }

    /** A few words for the list of exit codes in {@code lifeboat --help}. */
    public String summary() {
        return summary;
    }
}
