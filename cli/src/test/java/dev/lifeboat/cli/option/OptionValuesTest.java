package dev.lifeboat.cli.option;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionValuesTest {

    @Test
    void countsMustBePositive() {
        NumberValues.PositiveInt jobs = new NumberValues.PositiveInt();
        assertThat(jobs.convert("4")).isEqualTo(4);
        assertThatThrownBy(() -> jobs.convert("0")).isInstanceOf(TypeConversionException.class)
                .hasMessage("must be a whole number of 1 or more, not '0'");
        assertThatThrownBy(() -> jobs.convert("-2")).hasMessageContaining("not '-2'");
        assertThatThrownBy(() -> jobs.convert("four")).hasMessage("must be a whole number, not 'four'");
        assertThatThrownBy(() -> jobs.convert("99999999999")).hasMessageContaining("too large");
    }

    @Test
    void zeroStaysValidWhereItMeansOff() {
        assertThat(new NumberValues.NonNegativeInt().convert("0")).isZero();
        assertThatThrownBy(() -> new NumberValues.NonNegativeInt().convert("-1")).hasMessageContaining("0 or more");
        assertThat(new NumberValues.NonNegativeLong().convert("0")).isZero();
    }

    @Test
    void timeoutsMustBePositive() {
        assertThat(new NumberValues.PositiveLong().convert("120")).isEqualTo(120L);
        assertThatThrownBy(() -> new NumberValues.PositiveLong().convert("0")).hasMessageContaining("1 or more");
    }

    @Test
    void sslModesAreLibpqsSix() {
        TextValues.PgSslMode mode = new TextValues.PgSslMode();
        assertThat(mode.convert("verify-full")).isEqualTo("verify-full");
        assertThat(mode.convert("Require")).isEqualTo("Require");
        assertThatThrownBy(() -> mode.convert("verify")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'verify' is not an sslmode: use one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Test
    void portsAreTcpPorts() {
        assertThat(new NumberValues.Port().convert("5433")).isEqualTo(5433);
        assertThatThrownBy(() -> new NumberValues.Port().convert("0")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> new NumberValues.Port().convert("70000")).hasMessageContaining("1 to 65535");
    }

    @Test
    void durationsMustBeLongerThanZero() {
        assertThat(new TextValues.PositiveDuration().convert("7d")).isEqualTo("7d");
        assertThatThrownBy(() -> new TextValues.PositiveDuration().convert("0h")).hasMessage("must be longer than zero, not '0h'");
        assertThatThrownBy(() -> new TextValues.PositiveDuration().convert("PT-5H")).hasMessageContaining("longer than zero");
        assertThatThrownBy(() -> new TextValues.PositiveDuration().convert("-5h")).hasMessageContaining("is not a duration");
        assertThat(new TextValues.PositiveDurationOrOff().convert("off")).isEqualTo("off");
        assertThatThrownBy(() -> new TextValues.PositiveDurationOrOff().convert("0s")).hasMessageContaining("longer than zero");
    }

    @Test
    void ratesAreChecked() {
        assertThat(new TextValues.Rate().convert("50MB/s")).isEqualTo("50MB/s");
        assertThatThrownBy(() -> new TextValues.Rate().convert("-5MB/s")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> new TextValues.Rate().convert("0MB/s")).isInstanceOf(TypeConversionException.class);
    }
}
