package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.RecoveryValues;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.restore.RecoveryTarget;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Where recovery stops (restore and drill): at most one target option, and the timeline to follow. */
public final class RecoveryTargetOptions {

    @Option(names = "--target-time", converter = RecoveryValues.TargetTime.class, paramLabel = "TIME", description = "Recover to this time, with a zone: '2026-11-20 14:03:00+00'.")
    String targetTime;

    @Option(names = "--target-lsn", converter = RecoveryValues.TargetLsn.class, paramLabel = "LSN", description = "Recover to this WAL position, e.g. 0/3000060.")
    String targetLsn;

    @Option(names = "--target-xid", converter = RecoveryValues.TargetXid.class, paramLabel = "XID", description = "Recover to the commit of this transaction.")
    String targetXid;

    @Option(names = "--target-name", paramLabel = "NAME", description = "Recover to this restore point (pg_create_restore_point).")
    String targetName;

    @Option(names = "--target", converter = RecoveryValues.TargetKeyword.class, paramLabel = "immediate|latest|last-known-good",
            description = {"immediate: stop once the backup is consistent; latest: replay all archived WAL (the default);",
                    "last-known-good (restore only): the newest backup a drill proved, to the end point that drill verified."})
    String target;

    @Option(names = "--target-timeline", converter = RecoveryValues.TargetTimeline.class, paramLabel = "N|latest", description = "Timeline to follow (default: latest).")
    String targetTimeline;

    /** The target given, or latest when none was. */
    RecoveryTarget target() {
        List<RecoveryTarget> given = new ArrayList<>();
        if (targetTime != null) {
            given.add(RecoveryTarget.parseTime(targetTime));
        }
        if (targetLsn != null) {
            given.add(RecoveryTarget.parseLsn(targetLsn));
        }
        if (targetXid != null) {
            given.add(RecoveryTarget.parseXid(targetXid));
        }
        if (targetName != null) {
            given.add(new RecoveryTarget.Name(targetName));
        }
        if (target != null) {
            given.add(RecoveryTarget.parseKeyword(target));
        }
        if (given.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "more than one recovery target given",
                    "use one of --target-time, --target-lsn, --target-xid, --target-name, --target");
        }
        return given.isEmpty() ? new RecoveryTarget.Latest() : given.get(0);
    }

    boolean given() {
        return targetTime != null || targetLsn != null || targetXid != null || targetName != null || target != null;
    }

    /** The timeline to follow, or null for the newest. */
    Integer timeline() {
        if (targetTimeline == null || targetTimeline.equalsIgnoreCase("latest")) {
            return null;
        }
        try {
            return Integer.parseInt(targetTimeline.trim());
        } catch (NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--target-timeline must be a number or 'latest', not '" + targetTimeline + "'", null);
        }
    }
}
