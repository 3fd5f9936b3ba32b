package dev.lifeboat.core.repo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What one restore drill of one backup proved, as stored in the repository (one object per
 * drill, never rewritten) and as reported. A backup is known-good when its newest drill passed.
 *
 * @param id               the drill's start in UTC plus a random suffix, e.g. 20261126-020000.123-4f2a:
 *                         sorts by start, and two drills started in the same millisecond still differ
 * @param failure          one line saying why the drill failed, or null when it passed
 * @param target           the recovery target the drill asked for, as described to people
 * @param recoveryTimeline the timeline recovery followed
 * @param replayedTo       where replay ended (pg_last_wal_replay_lsn at promotion), when known
 * @param verifiedEnd      how to restore exactly what this drill proved; null unless it passed
 * @param tables           rows per table in every database of the restored instance
 * @param pgVersion        the server version the drill ran (the restored instance's)
 */
public record DrillRecord(
        int format,
        String id,
        String backupId,
        Verdict verdict,
        String failure,
        Instant startedAt,
        Instant finishedAt,
        String target,
        Integer recoveryTimeline,
        String replayedTo,
        VerifiedEnd verifiedEnd,
        Timings timings,
        List<Check> checks,
        List<TableRows> tables,
        String systemIdentifier,
        String pgVersion,
        String lifeboatVersion,
        String host) {

    public static final int CURRENT_FORMAT = 1;

    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);
    private static final Pattern ID_SHAPE = Pattern.compile("\\d{8}-\\d{6}\\.\\d{3}-[0-9a-f]{4}");

    /** A new drill id for a drill starting at {@code start}. */
    public static String newId(Instant start) {
        return ID_TIME.format(start) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    public static boolean isValidId(String id) {
        return id != null && ID_SHAPE.matcher(id).matches();
    }

    @JsonIgnore
    public boolean passed() {
        return verdict == Verdict.PASSED;
    }

    /** The verdict of a drill: passed only when no check failed. */
    public enum Verdict {
        PASSED, FAILED;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A check's outcome; skipped means it could not run here (e.g. no pg_amcheck) or an earlier step failed. */
    public enum CheckVerdict {
        PASSED, FAILED, SKIPPED;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One check of a drill.
     *
     * @param kind      "built-in" or "user" (from the --checks file)
     * @param detail    what was found: the result, the failure, or why it was skipped
     * @param statement the SQL of a user check, else null
     * @param database  the database it ran in, when it ran in one
     */
    public record Check(String name, String kind, CheckVerdict verdict, String detail, String statement, String database,
                        Duration duration) {

        public static final String BUILT_IN = "built-in";
        public static final String USER = "user";
    }

    public record TableRows(String database, String table, long rows) {
    }

    /**
     * How long each part of the drill took.
     *
     * @param rto planning + restoring the files + starting until the first write succeeded:
     *            the measured recovery time objective
     */
    public record Timings(Duration plan, Duration files, Duration toConsistent, Duration toPromoted, Duration toOpenForWrites,
                          Duration rto, Duration checks, Duration total) {
    }

    /**
     * The end point a drill verified.
     *
     * @param lsn      the start of the last WAL record replayed: recovering to this LSN (inclusive)
     *                 replays exactly what the drill did; null when the drill stopped at the
     *                 backup's consistency point (recovery_target = immediate)
     * @param timeline the timeline recovery followed
     */
    public record VerifiedEnd(String lsn, int timeline) {
    }
}
