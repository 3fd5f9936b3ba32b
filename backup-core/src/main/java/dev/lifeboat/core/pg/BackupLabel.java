package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Lifeboat reads from the backup_label that pg_backup_stop returns: the timeline and the
 * first WAL segment of the backup. On a standby these are the standby's own (its restartpoint),
 * which is why the timeline is read here rather than assumed.
 */
public final class BackupLabel {

    private static final Pattern START_TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");
    private static final Pattern START_WAL = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");
    private static final Pattern BACKUP_FROM = Pattern.compile("BACKUP FROM: (\\w+)");

    private BackupLabel() {
    }

    public static int startTimeline(String label) {
        return Integer.parseInt(match(START_TIMELINE, label, "START TIMELINE"));
    }

    public static String startWalFile(String label) {
        return match(START_WAL, label, "START WAL LOCATION");
    }

    /** Whether PostgreSQL says the backup was taken on a standby ("BACKUP FROM: standby"). */
    public static boolean takenOnStandby(String label) {
        Matcher m = BACKUP_FROM.matcher(label == null ? "" : label);
        return m.find() && m.group(1).equals("standby");
    }

    private static String match(Pattern pattern, String label, String what) {
        Matcher m = pattern.matcher(label == null ? "" : label);
        if (!m.find()) {
            throw new LifeboatException(ErrorCode.POSTGRES, "backup_label has no " + what + " line: "
                    + (label == null ? "" : label.lines().findFirst().orElse("")));
        }
        return m.group(1);
    }
}
