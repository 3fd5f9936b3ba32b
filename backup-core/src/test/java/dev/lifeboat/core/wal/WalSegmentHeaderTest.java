package dev.lifeboat.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WalSegmentHeaderTest {

    @Test
    void readsTheClusterAndSizesOfARealSegment() throws IOException {
        try (InputStream in = WalSamples.open(WalSamples.FIRST)) {
            WalSegmentHeader header = WalSegmentHeader.read(in);

            assertThat(header.magic()).isEqualTo(WalPageMagic.PG15);
            assertThat(header.postgresMajorVersion()).isEqualTo(15);
            assertThat(header.timeline()).isEqualTo(1);
            assertThat(header.pageAddress()).hasToString("0/2000000");
            assertThat(header.systemIdentifierText()).isEqualTo(WalSamples.expected("system.identifier"));
            assertThat(header.segmentSize()).isEqualTo(WalSegmentSize.DEFAULT);
            assertThat(header.blockSize()).isEqualTo(8192);
            assertThat(header.startsWithContinuation()).isFalse();
            assertThat(header.segmentName()).hasToString(WalSamples.FIRST);
        }
    }

    @Test
    void readsNoMoreThanTheHeaderFromAStream() throws IOException {
        byte[] segment = SyntheticWal.segment("0/1000000").bytes();
        ByteArrayInputStream in = new ByteArrayInputStream(segment);

        WalSegmentHeader.read(in);

        assertThat(in.available()).isEqualTo(segment.length - WalSegmentHeader.LENGTH);
    }

    @ParameterizedTest
    @CsvSource({"0xD106, 13", "0xD10D, 14", "0xD110, 15", "0xD113, 16", "0xD116, 17", "0xD118, 18"})
    void mapsEachPageMagicToItsMajorVersion(String magic, int version) {
        byte[] segment = SyntheticWal.segment("0/1000000").bytes();
        ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN).putShort(0, Integer.decode(magic).shortValue());

        assertThat(WalSegmentHeader.parse(segment).postgresMajorVersion()).isEqualTo(version);
    }

    @Test
    void refusesAnUnknownMagicByName() {
        byte[] segment = SyntheticWal.segment("0/1000000").bytes();
        ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 0xD101);

        assertThatThrownBy(() -> WalSegmentHeader.parse(segment))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("0xD101")
                .hasMessageContaining("13 to 18");
    }

    @Test
    void refusesTooFewBytes() {
        byte[] segment = Arrays.copyOf(SyntheticWal.segment("0/1000000").bytes(), 39);

        assertThatThrownBy(() -> WalSegmentHeader.parse(segment))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("39 bytes");
    }

    @Test
    void refusesAPageThatIsNotASegmentStart() {
        byte[] segment = SyntheticWal.segment("0/1000000").bytes();
        segment[2] = 0; // no XLP_LONG_HEADER

        assertThatThrownBy(() -> WalSegmentHeader.parse(segment))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("long-header");
    }

    @ParameterizedTest
    @CsvSource({"32, 1000", "32, 0", "36, 1000", "36, 131072"})
    void refusesImpossibleSizes(int offset, int value) {
        byte[] segment = SyntheticWal.segment("0/1000000").bytes();
        ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);

        assertThatThrownBy(() -> WalSegmentHeader.parse(segment))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("impossible")
                .hasMessageContaining(Integer.toString(value));
    }

    @Test
    void hasAUserFacingErrorCode() {
        WalFormatException error = new WalFormatException("x");

        assertThat(error.code()).isEqualTo(dev.lifeboat.core.error.ErrorCode.CORRUPT);
        assertThat(error.hint()).isNotBlank();
    }
}
