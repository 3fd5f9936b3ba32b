package dev.lifeboat.core.repo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Backup ids read as the UTC time the backup started plus its type letter, e.g.
 * 20261125-130501F, so that they sort by start time and say what they are at a glance.
 */
public final class BackupId {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Pattern SHAPE = Pattern.compile("\\d{8}-\\d{6}[FDI]");

    private BackupId() {
    }

    public static String of(Instant start, BackupType type) {
        return FORMAT.format(start) + type.suffix();
    }

    /** When the backup started, read from its id (second precision), or null for an id of another shape. */
    public static Instant startOf(String id) {
        if (!isValid(id)) {
            return null;
        }
        return FORMAT.parse(id.substring(0, 15), Instant::from);
    }

    public static boolean isValid(String id) {
        return id != null && SHAPE.matcher(id).matches();
    }
}
