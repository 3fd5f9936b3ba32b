package dev.lifeboat.core.restore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
        RecoveryConfiguration.write(pgdata, Map.of("restore_command", "x wal-fetch %f %p"), "20261125-130501F", "/repo");
        assertThat(pgdata.resolve("recovery.signal")).exists();
        assertThat(pgdata.resolve("standby.signal")).doesNotExist();
        assertThat(pgdata.resolve("postgresql.conf")).exists();
        String auto = Files.readString(pgdata.resolve("postgresql.auto.conf"));
        assertThat(auto).startsWith("work_mem = '8MB'\n").contains("restore_command = 'x wal-fetch %f %p'");
        assertThat(RecoveryConfiguration.effectiveSetting(pgdata, "restore_command")).isEqualTo("x wal-fetch %f %p");
    }
}
