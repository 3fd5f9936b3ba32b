package dev.lifeboat.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void readsAndPrintsPostgresNotation() {
        Lsn lsn = Lsn.parse("0/3000060");

        assertThat(lsn.value()).isEqualTo(0x3000060L);
        assertThat(lsn).hasToString("0/3000060");
        assertThat(Lsn.parse("16/B374D848")).hasToString("16/B374D848");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
    }

    @Test
    void acceptsLowercaseAndLeadingZerosButPrintsLikePostgres() {
        assertThat(Lsn.parse("0/0202d758")).hasToString("0/202D758");
        assertThat(Lsn.parse("00000000/00000000")).isEqualTo(Lsn.INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "0/", "/0", "0", "0/1/2", "123456789/0", "0/123456789", " 0/1", "0/1 ",
            "-1/0", "0/+1", "G/0", "0x1/0", "0/١"})
    void rejectsAnythingElseNamingTheInput(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Lsn.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void comparesUnsigned() {
        Lsn low = Lsn.parse("7FFFFFFF/FFFFFFFF");
        Lsn high = Lsn.parse("80000000/0");
        List<Lsn> lsns = new ArrayList<>(List.of(high, Lsn.INVALID, low));

        Collections.sort(lsns);

        assertThat(lsns).containsExactly(Lsn.INVALID, low, high);
        assertThat(high.isAfter(low)).isTrue();
        assertThat(low.isBefore(high)).isTrue();
    }

    @Test
    void movesByBytesWithinTheAddressSpace() {
        Lsn lsn = Lsn.parse("0/FFFFFFF0");

        assertThat(lsn.plus(0x20)).hasToString("1/10");
        assertThat(lsn.plus(0x20).minus(0x20)).isEqualTo(lsn);
        assertThat(Lsn.parse("1/10").bytesSince(lsn)).isEqualTo(0x20);
        assertThat(lsn.bytesSince(Lsn.parse("1/10"))).isEqualTo(-0x20);
        assertThatThrownBy(() -> Lsn.parse("FFFFFFFF/FFFFFFFF").plus(1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Lsn.INVALID.minus(1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Lsn.INVALID.minus(Long.MIN_VALUE)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void knowsItsSegmentForEachSegmentSize() {
        Lsn lsn = Lsn.parse("A/FF000028");

        assertThat(lsn.segmentNumber(WalSegmentSize.DEFAULT)).isEqualTo(0xAFFL);
        assertThat(lsn.segmentOffset(WalSegmentSize.DEFAULT)).isEqualTo(0x28);
        assertThat(lsn.segmentNumber(WalSegmentSize.ofMegabytes(1))).isEqualTo(0xAFF0L);
        assertThat(lsn.segmentNumber(WalSegmentSize.ofMegabytes(1024))).isEqualTo(0x2BL);
        assertThat(lsn.segmentOffset(WalSegmentSize.ofMegabytes(1024))).isEqualTo(0x3F000028);
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").segmentNumber(WalSegmentSize.DEFAULT))
                .isEqualTo(WalSegmentSize.DEFAULT.maxSegmentNumber());
    }

    @Test
    void invalidIsZero() {
        assertThat(Lsn.INVALID.isValid()).isFalse();
        assertThat(Lsn.INVALID).hasToString("0/0");
        assertThat(Lsn.parse("0/1").isValid()).isTrue();
    }

    @Test
    void segmentSizesArePowersOfTwoFromOneMebibyteToOneGibibyte() {
        assertThat(WalSegmentSize.ofMegabytes(1).segmentsPerLogId()).isEqualTo(4096);
        assertThat(WalSegmentSize.DEFAULT.segmentsPerLogId()).isEqualTo(256);
        assertThat(WalSegmentSize.ofMegabytes(1024).segmentsPerLogId()).isEqualTo(4);
        assertThat(WalSegmentSize.ofMegabytes(1024)).hasToString("1 GiB");
        assertThat(WalSegmentSize.DEFAULT).hasToString("16 MiB");
        for (long bad : new long[] {0, 512 * 1024, 3 << 20, 2048L << 20, -1}) {
            assertThatThrownBy(() -> WalSegmentSize.ofBytes(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toString(bad));
        }
    }
}
