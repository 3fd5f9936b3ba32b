package dev.lifeboat.core.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scanner against WAL written by a real PostgreSQL, checked against pg_waldump's reading of it. */
class WalRecordScannerRealWalTest {

    static List<String> segments() {
        return WalSamples.segments();
    }

    @ParameterizedTest
    @MethodSource("segments")
    void findsWhatPgWaldumpFinds(String segment) throws IOException {
        WalSegmentSummary summary = scan(segment);

        assertThat(summary.commitCount()).isEqualTo(expectedInt(segment, "commits"));
        assertThat(summary.abortCount()).isEqualTo(expectedInt(segment, "aborts"));
        assertThat(summary.firstTransactionEnd()).contains(Instant.parse(WalSamples.expected(segment, "firstTransactionEnd")));
        assertThat(summary.lastTransactionEnd()).contains(Instant.parse(WalSamples.expected(segment, "lastTransactionEnd")));
        assertThat(summary.minCommittedXid()).hasValue(expectedInt(segment, "minCommittedXid"));
        assertThat(summary.maxCommittedXid()).hasValue(expectedInt(segment, "maxCommittedXid"));
        assertThat(summary.commitsWithUnknownXid()).isZero();
        assertThat(summary.undecodedRecords()).isZero();
        assertThat(summary.restorePoints()).extracting(point -> point.name() + "@" + point.lsn())
                .containsExactlyElementsOf(expectedRestorePoints(segment));
        assertThat(summary.recordCount()).isEqualTo(expectedInt(segment, "records"));
    }

    @ParameterizedTest
    @MethodSource("segments")
    void readsTheClusterFromTheSegmentHeader(String segment) throws IOException {
        WalSegmentHeader header = scan(segment).header();

        assertThat(header.postgresMajorVersion()).isEqualTo(
                Integer.parseInt(WalSamples.expected("postgres.version").replaceAll("\\..*", "")));
        assertThat(header.systemIdentifierText()).isEqualTo(WalSamples.expected("system.identifier"));
        assertThat(header.segmentSize()).isEqualTo(WalSegmentSize.DEFAULT);
        assertThat(header.blockSize()).isEqualTo(8192);
        assertThat(header.segmentName()).hasToString(segment);
    }

    @Test
    void theFirstSampleEndsInsideARecordThatContinuesInTheNextSegment() throws IOException {
        WalSegmentSummary summary = scan(WalSamples.FIRST);

        assertThat(summary.header().startsWithContinuation()).isFalse();
        assertThat(summary.end()).isEqualTo(WalScanEnd.CONTINUES_IN_NEXT_SEGMENT);
        assertThat(summary.lastRecordEnd()).isBetween(WalSegmentName.parse(WalSamples.FIRST).startLsn(),
                WalSegmentName.parse(WalSamples.FIRST).endLsn());
    }

    @Test
    void theSecondSampleStartsWithTheRestOfThatRecordAndEndsWithASwitch() throws IOException {
        WalSegmentSummary summary = scan(WalSamples.SECOND);

        assertThat(summary.header().startsWithContinuation()).isTrue();
        assertThat(summary.header().remainingLength()).isGreaterThan(8192 * 10);
        assertThat(summary.end()).isEqualTo(WalScanEnd.WAL_SWITCH);
        assertThat(summary.lastRecordEnd()).isEqualTo(WalSegmentName.parse(WalSamples.SECOND).endLsn());
    }

    @Test
    void restorePointsCarryTheirTime() throws IOException {
        WalSegmentSummary summary = scan(WalSamples.FIRST);

        RestorePoint point = summary.restorePoint("before_migration").orElseThrow();
        assertThat(point.time()).isBetween(summary.firstTransactionEnd().orElseThrow(),
                summary.lastTransactionEnd().orElseThrow());
        assertThat(summary.restorePoint("no such point")).isEmpty();
    }

    @Test
    void answersWhetherATransactionEndedAfterATime() throws IOException {
        WalSegmentSummary summary = scan(WalSamples.FIRST);
        Instant last = summary.latestTransactionEnd().orElseThrow();

        assertThat(summary.hasTransactionEndAfter(last.minusNanos(1000))).isTrue();
        assertThat(summary.hasTransactionEndAfter(last)).isFalse();
    }

    @Test
    void aTruncatedSegmentKeepsWhatItHadRead() throws IOException {
        byte[] whole = WalSamples.bytes(WalSamples.FIRST);
        WalSegmentSummary complete = scan(WalSamples.FIRST);
        Lsn restorePoint = complete.restorePoints().get(0).lsn();
        int cut = restorePoint.segmentOffset(WalSegmentSize.DEFAULT) + 50; // inside the restore point record

        WalSegmentSummary summary = WalRecordScanner.scan(new ByteArrayInputStream(Arrays.copyOf(whole, cut)),
                WalSegmentName.parse(WalSamples.FIRST).startLsn());

        assertThat(summary.end()).isEqualTo(WalScanEnd.TRUNCATED);
        assertThat(summary.restorePoints()).isEmpty();
        assertThat(summary.lastRecordEnd()).isEqualTo(restorePoint);
        assertThat(summary.abortCount()).isEqualTo(complete.abortCount() - 1); // the ROLLBACK PREPARED comes later
    }

    @ParameterizedTest
    @MethodSource("segments")
    void aSegmentInMemoryIsReadAsTheStreamedOneIs(String segment) throws IOException {
        byte[] bytes = WalSamples.bytes(segment);

        WalSegmentSummary inPlace = WalRecordScanner.scan(bytes, bytes.length, WalSegmentName.parse(segment).startLsn());

        assertThat(inPlace).isEqualTo(scan(segment));
        int cut = bytes.length / 3 + 5; // mid-record, mid-page
        assertThat(WalRecordScanner.scan(bytes, cut, WalSegmentName.parse(segment).startLsn()))
                .isEqualTo(WalRecordScanner.scan(new ByteArrayInputStream(bytes, 0, cut), WalSegmentName.parse(segment).startLsn()));
    }

    private static WalSegmentSummary scan(String segment) throws IOException {
        try (InputStream in = WalSamples.open(segment)) {
            return WalRecordScanner.scan(in, WalSegmentName.parse(segment).startLsn());
        }
    }

    private static int expectedInt(String segment, String key) {
        return Integer.parseInt(WalSamples.expected(segment, key));
    }

    /** pg_waldump prints LSNs zero-padded (0/0202D758); the scanner prints them as PostgreSQL does. */
    private static List<String> expectedRestorePoints(String segment) {
        return Arrays.stream(WalSamples.expected(segment, "restorePoints").split(","))
                .map(entry -> entry.substring(0, entry.indexOf('@')) + "@"
                        + Lsn.parse(entry.substring(entry.indexOf('@') + 1)))
                .toList();
    }
}
