package dev.lifeboat.core.retention;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.time.Duration;

/**
 * What expire must keep. Each rule adds to what is kept, none takes away; on top of them the
 * newest backup, the newest known-good backup and every backup a kept one builds on are kept.
 *
 * @param keepFull   keep the newest N full backups and every diff/incr built on them (null: no count rule)
 * @param keepWithin keep every backup that ended within this long before now (null: no such rule)
 * @param pitrWindow any point in the last this-long must stay restorable: the newest backup that
 *                   ended before the window opens and all WAL from its start on are kept
 * @param orphanAge  data objects with no manifest (failed or killed backups) are removed once
 *                   their newest object is this old
 */
public record RetentionPolicy(Integer keepFull, Duration keepWithin, Duration pitrWindow, Duration orphanAge) {

    /** How old orphaned data must be before it goes, unless told otherwise, as --orphan-age shows it. */
    public static final String DEFAULT_ORPHAN_AGE_TEXT = "24h";
    public static final Duration DEFAULT_ORPHAN_AGE = DurationText.parse(DEFAULT_ORPHAN_AGE_TEXT);
    public static final Duration MINIMUM_ORPHAN_AGE = Duration.ofHours(1);

    public RetentionPolicy {
        if (orphanAge == null) {
            orphanAge = DEFAULT_ORPHAN_AGE;
        }
    }

    /** Refuses a policy that says nothing, or something impossible, before anything is read. */
    public RetentionPolicy validated() {
        if (keepFull == null && keepWithin == null && pitrWindow == null) {
            throw new LifeboatException(ErrorCode.USAGE, "no retention rule given: expire would not know what to keep",
                    "pass --keep-full N, --keep-within DURATION and/or --pitr-window DURATION (or set them in the configuration file)");
        }
        if (keepFull != null && keepFull < 1) {
            throw new LifeboatException(ErrorCode.USAGE, "--keep-full must be at least 1, not " + keepFull,
                    "keep at least one full backup");
        }
        requirePositive(keepWithin, "--keep-within");
        requirePositive(pitrWindow, "--pitr-window");
        if (orphanAge.compareTo(MINIMUM_ORPHAN_AGE) < 0) {
            // A backup under way has data and no manifest yet: it must never look like an orphan.
            throw new LifeboatException(ErrorCode.USAGE, "--orphan-age must be at least 1h, not " + DurationText.format(orphanAge)
                    + ": data of a backup still running has no manifest yet and would be taken for an orphan",
                    "e.g. --orphan-age 24h (longer than your longest backup)");
        }
        return this;
    }

    private static void requirePositive(Duration d, String option) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new LifeboatException(ErrorCode.USAGE, option + " must be longer than zero", "e.g. " + option + " 7d");
        }
    }

    /** How the policy reads, for output. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (keepFull != null) {
            s.append("keep ").append(keepFull).append(" full");
        }
        if (keepWithin != null) {
            s.append(s.isEmpty() ? "" : ", ").append("keep backups of the last ").append(DurationText.format(keepWithin));
        }
        if (pitrWindow != null) {
            s.append(s.isEmpty() ? "" : ", ").append("point-in-time window ").append(DurationText.format(pitrWindow));
        }
        return s.toString();
    }
}
