package dev.lifeboat.core.wal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a segment's size and first page prove about its name, checked on real segments. */
class WalSegmentMismatchTest {

    private static final WalSegmentMismatch.Expected EXPECTED =
            new WalSegmentMismatch.Expected(WalSamples.expected("system.identifier"), WalSegmentSize.DEFAULT);

    @Test
    void aRealSegmentMatchesItsNameAndNoOther() throws IOException {
        byte[] first = WalSamples.bytes(WalSamples.FIRST);

        assertThat(find(WalSamples.FIRST, first)).isEmpty();
        assertThat(find(WalSamples.SECOND, first)).hasValueSatisfying(m -> assertThat(m.message()).isEqualTo(
                "000000010000000000000003 holds the WAL of 000000010000000000000002 (page address 0/2000000, expected 0/3000000)"));
    }

    @Test
    void aPageAddressOffASegmentBoundaryIsNamedAsSuch() throws IOException {
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        segment[8] = 0x10; // xlp_pageaddr 0/2000010

        assertThat(find(WalSamples.FIRST, segment)).hasValueSatisfying(m -> assertThat(m.detail())
                .startsWith("holds WAL that does not start on a segment boundary (page address 0/2000010"));
    }

    @Test
    void anotherClustersSegmentIsNamedBySystemIdentifier() throws IOException {
        byte[] segment = WalSamples.bytes(WalSamples.FIRST);
        WalSegmentMismatch.Expected otherCluster = new WalSegmentMismatch.Expected("42", WalSegmentSize.DEFAULT);

        assertThat(WalSegmentMismatch.find(WalSegmentName.parse(WalSamples.FIRST), segment, segment.length, segment.length, otherCluster))
                .hasValueSatisfying(m -> assertThat(m.detail()).isEqualTo("holds WAL of cluster " + WalSamples.expected("system.identifier")
                        + ", not of this repository's cluster 42"));
    }

    @Test
    void zerosAreNoSegmentHeader() {
        byte[] zeros = new byte[16 << 20];

        assertThat(find(WalSamples.FIRST, zeros)).hasValueSatisfying(m -> assertThat(m.detail())
                .startsWith("does not start with a WAL segment header (unknown WAL page magic 0x0000"));
    }

    @Test
    void aPartialSegmentIsCheckedLikeAWholeOneExceptForItsLength() throws IOException {
        byte[] first = WalSamples.bytes(WalSamples.FIRST);

        assertThat(find(WalSamples.FIRST + ".partial", Arrays.copyOf(first, 8192))).isEmpty();
        assertThat(find(WalSamples.FIRST + ".partial", Arrays.copyOf(first, 20))).hasValueSatisfying(m -> assertThat(m.detail())
                .startsWith("does not start with a WAL segment header"));
        assertThat(find(WalSamples.SECOND + ".partial", first)).isPresent();
    }

    private static Optional<WalSegmentMismatch> find(String name, byte[] content) {
        return WalSegmentMismatch.find(WalSegmentName.parse(name), content, content.length, content.length, EXPECTED);
    }
}
