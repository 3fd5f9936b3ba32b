package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.PgSettings;
import dev.lifeboat.core.wal.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryConfigurationTest {

    @Test
    void quotesShellWordsAndConfigurationStrings() {
        assertThat(WalCommandLine.of(List.of("/opt/life boat/bin/lifeboat", "wal-fetch", "--repo", "/srv/it's", "%f", "%p")))
                .isEqualTo("'/opt/life boat/bin/lifeboat' wal-fetch --repo '/srv/it'\\''s' %f %p");
        assertThat(WalCommandLine.word("/srv/100%")).isEqualTo("/srv/100%%");
        assertThat(PgSettings.quote("it's")).isEqualTo("'it''s'");
    }

    @Test
    void laterSettingsWinAndAutoConfBeatsPostgresqlConf(@TempDir Path pgdata) throws IOException {
        Files.writeString(pgdata.resolve("postgresql.conf"), "port = 5432\n#port = 1\nunix_socket_directories = '/a' # comment\n");
        Files.writeString(pgdata.resolve("postgresql.auto.conf"), "port = '6543'\n");
        assertThat(RecoveryConfiguration.effectiveSetting(pgdata, "port")).isEqualTo("6543");
        assertThat(RecoveryConfiguration.effectiveSetting(pgdata, "unix_socket_directories")).isEqualTo("/a");
        assertThat(RecoveryConfiguration.effectiveSetting(pgdata, "archive_mode")).isNull();
    }

    @Test
    void writesSignalFileAndAppendsSettings(@TempDir Path pgdata) throws IOException {
        Files.writeString(pgdata.resolve("postgresql.auto.conf"), "work_mem = '8MB'\n");
        Files.writeString(pgdata.resolve("standby.signal"), "");
        RecoveryConfiguration.write(pgdata, Map.of("restore_command", "x wal-fetch %f %p"), "20261125-130501F", "/repo", false);
        assertThat(pgdata.resolve("recovery.signal")).exists();
        assertThat(pgdata.resolve("standby.signal")).doesNotExist();
        assertThat(pgdata.resolve("postgresql.conf")).exists();
        String auto = Files.readString(pgdata.resolve("postgresql.auto.conf"));
        assertThat(auto).startsWith("work_mem = '8MB'\n").contains("restore_command = 'x wal-fetch %f %p'");
        assertThat(RecoveryConfiguration.effectiveSetting(pgdata, "restore_command")).isEqualTo("x wal-fetch %f %p");
    }

    @Test
    void aStandbyGetsStandbySignalAndNoTarget(@TempDir Path pgdata) throws IOException {
        RestorePlan plan = new RestorePlan(null, new RecoveryTarget.Latest(), 1, true, null, List.of(), List.of());
        Map<String, String> settings = RecoveryConfiguration.settings(plan, "x wal-fetch %f %p", 5433, null, "promote", null, true,
                Map.of("wal_retrieve_retry_interval", "1s"));
        assertThat(settings).containsEntry("recovery_target_timeline", "latest").containsEntry("archive_mode", "off")
                .containsEntry("wal_retrieve_retry_interval", "1s").doesNotContainKey("recovery_target_action");
        assertThat(settings.keySet()).noneMatch(k -> k.equals("recovery_target") || k.startsWith("recovery_target_") && !k.endsWith("timeline"));

        RecoveryConfiguration.write(pgdata, settings, "20261125-130501F", "/repo", true);
        assertThat(pgdata.resolve("standby.signal")).exists();
        assertThat(pgdata.resolve("recovery.signal")).doesNotExist();
    }

    private static final String RESTORE_COMMAND = "/opt/lifeboat/bin/lifeboat wal-fetch --repo /srv/repo %f %p";

    /** Every target kind: exactly its own recovery_target_* line, inclusive where it matters, the timeline and the action. */
    @Test
    void eachTargetKindWritesExactlyItsOwnTargetSettings() {
        assertTargetSettings(new RecoveryTarget.Time(Instant.parse("2026-11-20T14:03:00.123456Z")), 1, false, "promote",
                Map.of("recovery_target_time", "2026-11-20 14:03:00.123456+00:00", "recovery_target_inclusive", "on",
                        "recovery_target_timeline", "1", "recovery_target_action", "promote"));
        assertTargetSettings(new RecoveryTarget.Xid(7441), 2, false, "pause",
                Map.of("recovery_target_xid", "7441", "recovery_target_inclusive", "on",
                        "recovery_target_timeline", "2", "recovery_target_action", "pause"));
        assertTargetSettings(new RecoveryTarget.LsnTarget(Lsn.parse("0/3000148")), 1, false, "promote",
                Map.of("recovery_target_lsn", "0/3000148", "recovery_target_inclusive", "on",
                        "recovery_target_timeline", "1", "recovery_target_action", "promote"));
        assertTargetSettings(new RecoveryTarget.Name("before-upgrade"), 3, false, "shutdown",
                Map.of("recovery_target_name", "before-upgrade",
                        "recovery_target_timeline", "3", "recovery_target_action", "shutdown"));
        assertTargetSettings(new RecoveryTarget.Immediate(), 1, false, "promote",
                Map.of("recovery_target", "immediate",
                        "recovery_target_timeline", "1", "recovery_target_action", "promote"));
        assertTargetSettings(new RecoveryTarget.Latest(), 1, true, "promote",
                Map.of("recovery_target_timeline", "latest", "recovery_target_action", "promote"));
    }

    @Test
    void aRestoredCopyNeverArchivesIntoItsSourceAndNeverStreamsFromItsPrimary() {
        RestorePlan plan = new RestorePlan(null, new RecoveryTarget.Latest(), 1, true, null, List.of(), List.of());

        Map<String, String> settings = RecoveryConfiguration.settings(plan, RESTORE_COMMAND, 5433, null, "promote", null, false, Map.of());

        assertThat(settings).containsEntry("restore_command", RESTORE_COMMAND).containsEntry("archive_mode", "off")
                .containsEntry("primary_conninfo", "").containsEntry("primary_slot_name", "").containsEntry("port", "5433")
                .doesNotContainKey("archive_command");
        assertThat(settings.keySet().iterator().next()).as("restore_command comes first").isEqualTo("restore_command");
    }

    private static void assertTargetSettings(RecoveryTarget target, int timeline, boolean timelineLatest, String action,
                                             Map<String, String> expectedTargetLines) {
        RestorePlan plan = new RestorePlan(null, target, timeline, timelineLatest, null, List.of(), List.of());

        Map<String, String> settings = RecoveryConfiguration.settings(plan, RESTORE_COMMAND, 5433, null, action, null, false, Map.of());

        Map<String, String> targetLines = new java.util.TreeMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("recovery_target")) {
                targetLines.put(k, v);
            }
        });
        assertThat(targetLines).as("the recovery_target* lines for %s", target.describe())
                .containsExactlyInAnyOrderEntriesOf(expectedTargetLines);
        assertThat(settings).as("restore_command for %s", target.describe()).containsEntry("restore_command", RESTORE_COMMAND);
    }

    @Test
    void extraSettingsCannotUndoWhatLifeboatDecides() {
        RecoveryConfiguration.requireAllowed(Map.of("shared_buffers", "128MB", "wal_retrieve_retry_interval", "1s"));
        for (String owned : List.of("archive_mode", "ARCHIVE_COMMAND", "restore_command", "recovery_target_time", "port", "primary_conninfo")) {
            assertThatThrownBy(() -> RecoveryConfiguration.requireAllowed(Map.of(owned, "x")))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage()).contains(owned);
                    });
        }
        assertThatThrownBy(() -> RecoveryConfiguration.requireAllowed(Map.of("bad name", "x"))).hasMessageContaining("bad name");
    }

    @Test
    void extraSettingsThatTheConfigurationFileCannotHoldAreRefusedBeforeWriting() {
        RecoveryConfiguration.requireAllowed(Map.of("lifeboat.probe.deep", "x"));
        for (Map<String, String> bad : List.of(Map.of("work_mem", "4MB\nport = 1"), Map.of("a..b", "x"))) {
            assertThatThrownBy(() -> RecoveryConfiguration.requireAllowed(bad))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
    }

    /** A crash while writing leaves the old postgresql.auto.conf or the new one: it is replaced by a rename, keeping its mode. */
    @Test
    void recoverySettingsReplaceAutoConfThroughATemporaryFile(@TempDir Path pgdata) throws IOException {
        Path auto = pgdata.resolve("postgresql.auto.conf");
        Files.writeString(auto, "work_mem = '8MB'\n");
        Files.setPosixFilePermissions(auto, PosixFilePermissions.fromString("rw-------"));
        Object before = Files.getAttribute(auto, "unix:ino");

        RecoveryConfiguration.write(pgdata, Map.of("restore_command", "x wal-fetch %f %p"), "20261125-130501F", "/repo", false);

        assertThat(Files.getAttribute(auto, "unix:ino")).as("a new file renamed into place").isNotEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auto))).isEqualTo("rw-------");
        assertThat(Files.readString(auto)).startsWith("work_mem = '8MB'\n# Recovery settings written by Lifeboat at ")
                .endsWith(" for a restore of backup 20261125-130501F from /repo\nrestore_command = 'x wal-fetch %f %p'\n");
        try (var files = Files.list(pgdata)) {
            assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("postgresql.auto.conf.lifeboat-tmp");
        }
    }
}
