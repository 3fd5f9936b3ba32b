package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.wal.Lsn;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Where recovery should stop: one of PostgreSQL's recovery_target_* kinds, or "latest" (all
 * archived WAL). Times always carry a zone: "14:03" on a server in another zone is a
 * different moment, and a restore to the wrong moment is data loss.
 */
public sealed interface RecoveryTarget {

    /** For messages: "time 2026-11-20 14:03:00+00", "latest". */
    String describe();

    record Time(Instant time) implements RecoveryTarget {
        @Override
        public String describe() {
            return "time " + formatForPostgres(time);
        }
    }

    record LsnTarget(Lsn lsn) implements RecoveryTarget {
        @Override
        public String describe() {
            return "LSN " + lsn;
        }
    }

    record Xid(long xid) implements RecoveryTarget {
        @Override
        public String describe() {
            return "transaction " + xid;
        }
    }

    record Name(String name) implements RecoveryTarget {
        @Override
        public String describe() {
            return "restore point '" + name + "'";
        }
    }

    /** Stop as soon as the backup is consistent. */
    record Immediate() implements RecoveryTarget {
        @Override
        public String describe() {
            return "immediate (end of backup)";
        }
    }

    /** Replay every archived WAL file. */
    record Latest() implements RecoveryTarget {
        @Override
        public String describe() {
            return "latest (all archived WAL)";
        }
    }

    /**
     * The newest backup whose newest drill passed, recovered to the end point that drill
     * verified. The planner resolves it into that backup and a concrete target.
     */
    record LastKnownGood() implements RecoveryTarget {
        @Override
        public String describe() {
            return "last known-good (the newest backup a drill proved)";
        }
    }

    DateTimeFormatter POSTGRES_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true)
            .appendPattern("xxx")
            .toFormatter(Locale.ROOT);

    /** The form PostgreSQL's recovery_target_time accepts, in UTC. */
    static String formatForPostgres(Instant time) {
        return POSTGRES_TIME.format(time.atOffset(ZoneOffset.UTC));
    }

    /**
     * Parses "2026-11-20 14:03:00+00", "2026-11-20T14:03:00.5+01:00", "...Z". A time without a
     * zone is refused.
     */
    static Time parseTime(String text) {
        String t = text.trim().replace('T', ' ');
        if (t.endsWith("Z") || t.endsWith("z")) {
            t = t.substring(0, t.length() - 1) + "+00:00";
        }
        // PostgreSQL prints offsets as +00 or +05:30; java.time wants +00:00.
        t = t.replaceFirst(" ?([+-]\\d{2})$", "$1:00").replaceFirst(" ?([+-]\\d{2})(\\d{2})$", "$1:$2")
                .replaceFirst(" ([+-]\\d{2}:\\d{2})$", "$1");
        DateTimeFormatter parser = new DateTimeFormatterBuilder()
                .appendPattern("yyyy-MM-dd HH:mm")
                .optionalStart().appendPattern(":ss").optionalStart()
                .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().optionalEnd()
                .appendPattern("xxx")
                .toFormatter(Locale.ROOT);
        try {
            return new Time(OffsetDateTime.parse(t, parser).toInstant());
        } catch (DateTimeParseException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read target time '" + text + "'",
                    "write it with a time zone, e.g. '2026-11-20 14:03:00+00' or '2026-11-20T14:03:00Z'");
        }
    }

    /** immediate, latest or last-known-good. */
    static RecoveryTarget parseKeyword(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "immediate" -> new Immediate();
            case "latest" -> new Latest();
            case "last-known-good" -> new LastKnownGood();
            default -> throw new LifeboatException(ErrorCode.USAGE, "unknown --target '" + text + "'",
                    "use --target immediate, latest or last-known-good, or --target-time/--target-lsn/--target-xid/--target-name");
        };
    }

    static LsnTarget parseLsn(String text) {
        try {
            return new LsnTarget(Lsn.parse(text.trim()));
        } catch (RuntimeException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read target LSN '" + text + "'",
                    "write it as PostgreSQL prints it, e.g. 0/3000060");
        }
    }

    static Xid parseXid(String text) {
        try {
            long xid = Long.parseLong(text.trim());
            if (xid < 3) {
                throw new NumberFormatException();
            }
            return new Xid(xid);
        } catch (NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read target transaction id '" + text + "'",
                    "give a transaction id as a number, e.g. 1234 (from txid_current())");
        }
    }
}
