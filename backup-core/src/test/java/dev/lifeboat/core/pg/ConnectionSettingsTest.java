package dev.lifeboat.core.pg;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSettingsTest {

    @Test
    void thePasswordFromTheEnvironmentIsUsedButNeverPrinted() {
        ConnectionSettings settings = ConnectionSettings.resolve(null, null, null, null, Map.of("PGPASSWORD", "s3cr3t-pw", "PGHOST", "db1"));

        assertThat(settings.password()).isEqualTo("s3cr3t-pw");
        assertThat(settings.jdbcProperties("lifeboat").getProperty("password")).isEqualTo("s3cr3t-pw");
        assertThat(settings.toString()).doesNotContain("s3cr3t-pw").contains("db1").contains("password=(set)");
    }
}
