package dev.lifeboat.cli.common;

import dev.lifeboat.core.error.ErrorCode;

import java.util.Map;
import java.util.StringJoiner;

/**
 * The one place that turns what a command did into the process exit status. A failure exits
 * with its {@link ErrorCode}'s number, except in wal-fetch: PostgreSQL's restore_command reads
 * any status up to 125 as "no such file" and may end recovery there, so wal-fetch exits 1 only
 * when the repository lacks the file, and {@value #WAL_FETCH_ABORT_RECOVERY} on every failure.
 *
 * <p>bin/lifeboat adds one thing only: when Java itself cannot run Lifeboat (it exits 1 with a
 * message of its own), the launcher says so and exits 128 for wal-fetch. To tell that exit 1 from
 * "not found", it sets {@value #LAUNCHER_NOT_FOUND_STATUS} to the status it wants for "not found"
 * instead, and turns that status back into 1.
 */
public final class ExitStatus {

    public static final int OK = 0;

    /** wal-fetch's status for every failure but "not found": above 125, so PostgreSQL stops recovery. */
    public static final int WAL_FETCH_ABORT_RECOVERY = 128;

    /** Set by bin/lifeboat: the status wal-fetch's "not found" travels as to the launcher. */
    static final String LAUNCHER_NOT_FOUND_STATUS = "LIFEBOAT_NOT_FOUND_STATUS";

    private static final String WAL_FETCH = "wal-fetch";

    private ExitStatus() {
    }

    /** The status of a failure in {@code command} (the subcommand's name; null outside any command). */
    public static int ofFailure(String command, ErrorCode code) {
        return WAL_FETCH.equals(command) ? WAL_FETCH_ABORT_RECOVERY : code.exitCode();
    }

    /** The status of wal-fetch's answer: 0 delivered, 1 not found (or the launcher's stand-in for 1). */
    public static int ofWalFetch(boolean delivered, Map<String, String> env) {
        if (delivered) {
            return OK;
        }
        String launcherStatus = env.get(LAUNCHER_NOT_FOUND_STATUS);
        if (launcherStatus != null && launcherStatus.matches("\\d{1,3}")) {
            return Integer.parseInt(launcherStatus);
        }
        return ErrorCode.NOT_FOUND.exitCode();
    }

    /** The exit-code list of {@code lifeboat --help}, built from {@link ErrorCode} so the two cannot differ. */
    public static String helpFooter() {
        StringJoiner codes = new StringJoiner(", ", "Exit codes: " + OK + " ok, ", "");
        for (ErrorCode code : ErrorCode.values()) {
            codes.add(code.exitCode() + " " + code.summary());
        }
        return codes + "; " + WAL_FETCH + " exits " + WAL_FETCH_ABORT_RECOVERY + " on every other failure.";
    }
}
