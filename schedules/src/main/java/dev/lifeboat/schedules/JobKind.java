package dev.lifeboat.schedules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a scheduled job does; each kind is one service of backup-core. */
public enum JobKind {
    BACKUP, EXPIRE, VERIFY, DRILL, REPLICATE;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The command that does the same by hand (its configuration section is read too). */
    public String command() {
        return jsonName();
    }

    public static JobKind parse(String text) {
        for (JobKind kind : values()) {
            if (kind.jsonName().equalsIgnoreCase(text == null ? "" : text.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind must be one of "
                + Arrays.stream(values()).map(JobKind::jsonName).collect(Collectors.joining(", ")) + ", not '" + text + "'");
    }
}
