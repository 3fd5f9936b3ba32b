package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecoveryConfigurationTest {

    @Test
    void quotesShellWordsAndConfigurationStrings() {
        assertThat(RecoveryConfiguration.shellCommand(List.of("/opt/life boat/bin/lifeboat", "wal-fetch", "--repo", "/srv/it's", "%f", "%p")))
                .isEqualTo("'/opt/life boat/bin/lifeboat' wal-fetch --repo '/srv/it'\\''s' %f %p");
        assertThat(RecoveryConfiguration.shellWord("/srv/100%")).isEqualTo("/srv/100%%");
        assertThat(RecoveryConfiguration.quote("it's")).isEqualTo("'it''s'");
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
}
