package dev.lifeboat.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransferRateTest {

    @ParameterizedTest
    @CsvSource({
            "50MB/s, 50000000",
            "50M, 50000000",
            "50mb/s, 50000000",
            "800KB/s, 800000",
            "1GiB/s, 1073741824",
            "1.5MiB, 1572864",
            "100000, 100000",
            "2 GB/s, 2000000000"})
    void ratesReadAsANetworkGraphShowsThem(String text, long bytesPerSecond) {
        assertThat(TransferRate.parse(text).bytesPerSecond()).isEqualTo(bytesPerSecond);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fast", "50 MB per second", "-5MB/s", "5iB", "MB/s"})
    void whatIsNotARateIsRefusedNamingIt(String text) {
        assertThatThrownBy(() -> TransferRate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10KB/s", "1000"})
    void ratesTooLowToBeUsefulAreRefused(String text) {
        assertThatThrownBy(() -> TransferRate.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64KiB/s");
    }
}
