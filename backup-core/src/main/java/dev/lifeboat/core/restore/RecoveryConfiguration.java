package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.PgSettings;
import dev.lifeboat.core.restore.RecoveryTarget.Immediate;
import dev.lifeboat.core.restore.RecoveryTarget.Latest;
import dev.lifeboat.core.restore.RecoveryTarget.LsnTarget;
import dev.lifeboat.core.restore.RecoveryTarget.Name;
import dev.lifeboat.core.restore.RecoveryTarget.Time;
import dev.lifeboat.core.restore.RecoveryTarget.Xid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings that turn a restored data directory into an instance that recovers to the
 * target and then promotes, or into a standby that keeps replaying archived WAL (PostgreSQL
 * 12+: recovery.signal or standby.signal plus settings, appended to postgresql.auto.conf so
 * they override whatever the source's postgresql.conf says).
 */
public final class RecoveryConfiguration {

    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=?\\s*(.*?)\\s*(#.*)?$");

    private RecoveryConfiguration() {
    }

    /** Settings Lifeboat decides for a restored instance, which --set cannot change. */
    private static final Pattern OWNED = Pattern.compile(
            "restore_command|archive_mode|archive_command|archive_library|recovery_target.*|primary_conninfo|primary_slot_name|port");
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    /**
     * What to write, in order; values are raw (quoted on writing). A standby gets no target:
     * it replays whatever the archive holds, on the newest timeline, until it is promoted.
     */
    static Map<String, String> settings(RestorePlan plan, String restoreCommand, int port, String archiveCommand,
                                        String targetAction, String socketDirectories, boolean standby, Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("restore_command", restoreCommand);
        RecoveryTarget target = plan.target();
        if (standby) {
            s.put("recovery_target_timeline", "latest");
            s.put("hot_standby", "on");
        } else {
            if (target instanceof Time t) {
                s.put("recovery_target_time", RecoveryTarget.formatForPostgres(t.time()));
            } else if (target instanceof LsnTarget l) {
                s.put("recovery_target_lsn", l.lsn().toString());
            } else if (target instanceof Xid x) {
                s.put("recovery_target_xid", Long.toString(x.xid()));
            } else if (target instanceof Name n) {
                s.put("recovery_target_name", n.name());
            } else if (target instanceof Immediate) {
                s.put("recovery_target", "immediate");
            } else if (!(target instanceof Latest)) {
                throw new IllegalStateException("unresolved target " + target);
            }
            if (target instanceof Time || target instanceof LsnTarget || target instanceof Xid) {
                // PostgreSQL's default, written out so that a source's postgresql.conf cannot turn it off
                s.put("recovery_target_inclusive", "on");
            }
            s.put("recovery_target_timeline", plan.timelineLatest() ? "latest" : Integer.toString(plan.targetTimeline()));
            s.put("recovery_target_action", targetAction);
        }
        if (archiveCommand == null) {
            // A restored copy must never archive into its source's repository by accident.
            s.put("archive_mode", "off");
        } else {
            s.put("archive_mode", "on");
            s.put("archive_command", archiveCommand);
        }
        // Never stream from the source's primary, whatever its configuration said.
        s.put("primary_conninfo", "");
        s.put("primary_slot_name", "");
        s.put("port", Integer.toString(port));
        if (socketDirectories != null) {
            s.put("unix_socket_directories", socketDirectories);
        }
        s.putAll(extra);
        return s;
    }

    /**
     * Refuses extra settings that are malformed or that would undo what Lifeboat decides
     * (the restore command, the target, no archiving into the source's repository, the port).
     */
    static void requireAllowed(Map<String, String> extra) {
        for (Map.Entry<String, String> setting : extra.entrySet()) {
            String name = setting.getKey();
            // PgSettings writes them: what it would refuse is refused here, before anything is written.
            if (!SETTING_NAME.matcher(name).matches() || PgSettings.problem(name, "") != null) {
                throw new LifeboatException(ErrorCode.USAGE, "'" + name + "' is not a PostgreSQL setting name",
                        "write --set name=value, e.g. --set shared_buffers=256MB");
            }
            if (OWNED.matcher(name.toLowerCase(java.util.Locale.ROOT)).matches()) {
                throw new LifeboatException(ErrorCode.USAGE, "--set cannot change " + name + ": Lifeboat sets it for the restored instance",
                        "use the matching option (--port, --archive-to, the --target options) instead");
            }
            String problem = PgSettings.problem(name, setting.getValue());
            if (problem != null) {
                throw new LifeboatException(ErrorCode.USAGE, "--set " + name + ": " + problem, "write the value on one line");
            }
        }
    }

    /**
     * Appends {@code settings} to postgresql.auto.conf (through a temporary file and a rename,
     * so a crash leaves the old file or the new one) and writes the signal file.
     */
    static void write(Path pgdata, Map<String, String> settings, String backupId, String repository, boolean standby) {
        try {
            new PgSettings(settings).append(pgdata.resolve("postgresql.auto.conf"),
                    "Recovery settings written by Lifeboat at " + Instant.now() + " for a restore of backup " + backupId + " from " + repository);
            String signal = standby ? "standby.signal" : "recovery.signal";
            Files.deleteIfExists(pgdata.resolve(standby ? "recovery.signal" : "standby.signal"));
            Files.writeString(pgdata.resolve(signal), "", StandardCharsets.UTF_8);
            Path conf = pgdata.resolve("postgresql.conf");
            if (!Files.exists(conf)) {
                // The source kept its configuration outside the data directory (Debian's /etc/postgresql).
                Files.writeString(conf, "# created by Lifeboat: the source's configuration was not in its data directory\n");
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write recovery settings into " + pgdata + ": " + e.getMessage(),
                    null, e);
        }
    }

    /** The effective value of a setting in postgresql.conf then postgresql.auto.conf (includes are not followed). */
    static String effectiveSetting(Path pgdata, String name) {
        String value = null;
        for (String file : List.of("postgresql.conf", "postgresql.auto.conf")) {
            Path path = pgdata.resolve(file);
            if (!Files.exists(path)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    Matcher m = SETTING.matcher(line);
                    if (m.matches() && m.group(1).equalsIgnoreCase(name) && !line.strip().startsWith("#")) {
                        value = unquote(m.group(2));
                    }
                }
            } catch (IOException e) {
                return value;
            }
        }
        return value;
    }

    /** A socket directory the source used that does not exist here would stop the server starting. */
    static String socketDirectoriesOverride(Path pgdata) {
        String configured = effectiveSetting(pgdata, "unix_socket_directories");
        if (configured == null || configured.isBlank()) {
            return null;
        }
        for (String dir : configured.split(",")) {
            String d = dir.strip();
            if (!d.isEmpty() && !d.startsWith("@") && !Files.isDirectory(Path.of(d))) {
                return "/tmp";
            }
        }
        return null;
    }

    private static String unquote(String raw) {
        String v = raw.strip();
        if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
            return v.substring(1, v.length() - 1).replace("''", "'").replace("\\\\", "\\");
        }
        return v;
    }
}
