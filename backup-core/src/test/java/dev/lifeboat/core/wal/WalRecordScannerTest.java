package dev.lifeboat.core.wal;

import static dev.lifeboat.core.wal.SyntheticWal.concat;
import static dev.lifeboat.core.wal.SyntheticWal.le;
import static dev.lifeboat.core.wal.SyntheticWal.mainDataHeader;
import static dev.lifeboat.core.wal.SyntheticWal.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scanner on segments laid out by {@link SyntheticWal}: the corners real WAL rarely shows. */
class WalRecordScannerTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:03:00.123456Z");

    @ParameterizedTest
    @ValueSource(ints = {8168, 8176, 8184, 8192})
    void readsARecordWhoseHeaderIsSplitAcrossPages(int start) throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000").commit(700, T0).fillTo(start);
        Lsn split = wal.nextLsn();
        wal.commit(701, T0.plusSeconds(1));

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.recordCount()).isEqualTo(3);
        assertThat(summary.commitCount()).isEqualTo(2);
        assertThat(summary.maxCommittedXid()).hasValue(701);
        assertThat(summary.lastTransactionEnd()).contains(T0.plusSeconds(1));
        assertThat(summary.end()).isEqualTo(WalScanEnd.END_OF_WAL);
        // 34 bytes MAXALIGNed, plus the next page's header: crossed, or (at 8192) skipped before it.
        assertThat(summary.lastRecordEnd()).isEqualTo(split.plus(40 + 24));
    }

    @Test
    void skipsTheContinuedRecordAtTheSegmentStart() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/3000000").continuation(3 * 8192 + 100).commit(42, T0);

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.header().startsWithContinuation()).isTrue();
        assertThat(summary.recordCount()).isEqualTo(1);
        assertThat(summary.commitCount()).isEqualTo(1);
        assertThat(summary.minCommittedXid()).hasValue(42);
    }

    @Test
    void aContinuationMayFillTheWholeSegment() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/3000000").continuation(40L << 20);

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.recordCount()).isZero();
        assertThat(summary.lastRecordEnd()).isEqualTo(Lsn.INVALID);
        assertThat(summary.end()).isEqualTo(WalScanEnd.CONTINUES_IN_NEXT_SEGMENT);
        assertThat(summary.firstTransactionEnd()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 4096, 32768, 65536})
    void readsOtherBlockAndSegmentSizes(int blockSize) throws IOException {
        WalSegmentSize size = WalSegmentSize.ofMegabytes(1);
        Lsn start = Lsn.ofSegmentStart(77, size);
        SyntheticWal wal = new SyntheticWal(start, size, blockSize, WalPageMagic.PG16);
        for (int i = 0; i < 3000; i++) {
            wal.commit(1000 + i, T0.plusMillis(i));
        }
        wal.walSwitch();

        WalSegmentSummary summary = WalRecordScanner.scan(new ByteArrayInputStream(wal.bytes()), start);

        assertThat(summary.header().blockSize()).isEqualTo(blockSize);
        assertThat(summary.header().segmentSize()).isEqualTo(size);
        assertThat(summary.commitCount()).isEqualTo(3000);
        assertThat(summary.minCommittedXid()).hasValue(1000);
        assertThat(summary.maxCommittedXid()).hasValue(3999);
        assertThat(summary.firstTransactionEnd()).contains(T0);
        assertThat(summary.lastTransactionEnd()).contains(T0.plusMillis(2999));
        assertThat(summary.end()).isEqualTo(WalScanEnd.WAL_SWITCH);
        assertThat(summary.lastRecordEnd()).isEqualTo(start.plus(size.bytes()));
    }

    @Test
    void findsTheMainDataBehindBlockReferencesOriginAndToplevelXid() throws IOException {
        byte[] image = new byte[100];
        byte[] blockData = new byte[10];
        byte[] body = concat(
                new byte[] {0, 0x30}, shorts(blockData.length),          // block 0: HAS_IMAGE | HAS_DATA
                shorts(image.length, 0), new byte[] {0},                 // image header: no hole, not compressed
                new byte[12], le(5),                                      // RelFileLocator, BlockNumber
                new byte[] {1, (byte) 0x80}, shorts(0), le(6),           // block 1: SAME_REL, no data
                new byte[] {(byte) 253}, shorts(3),                       // replication origin
                new byte[] {(byte) 252}, le(4711),                        // top-level xid
                mainDataHeader(8),
                image, blockData, timestamp(T0));
        SyntheticWal wal = SyntheticWal.segment("0/1000000").record(1, 0x00, 800, body);

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.undecodedRecords()).isZero();
        assertThat(summary.commitCount()).isEqualTo(1);
        assertThat(summary.firstTransactionEnd()).contains(T0);
    }

    @ParameterizedTest
    @EnumSource(value = WalPageMagic.class, names = {"PG14", "PG15"})
    void knowsWhenACompressedImageCarriesItsHoleLength(WalPageMagic magic) throws IOException {
        int compressedWithHole = magic.majorVersion() < 15 ? 0x03 : 0x05; // HAS_HOLE | IS_COMPRESSED / PGLZ
        byte[] image = new byte[60];
        byte[] body = concat(new byte[] {0, 0x10}, shorts(0), shorts(image.length, 200),
                new byte[] {(byte) compressedWithHole}, shorts(1000), new byte[12], le(1),
                mainDataHeader(8), image, timestamp(T0));
        SyntheticWal wal = new SyntheticWal(Lsn.parse("0/1000000"), WalSegmentSize.DEFAULT, 8192, magic)
                .record(1, 0x20, 801, body);

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.undecodedRecords()).isZero();
        assertThat(summary.abortCount()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = WalPageMagic.class, names = {"PG15", "PG17", "PG18"})
    void readsThePreparedXidBehindEveryOptionalPart(WalPageMagic magic) throws IOException {
        int xinfo = 1 | 2 | 4 | 8 | 16 | 32 | 128 | 256; // dbinfo subxacts rels invals twophase origin gid stats
        byte[] main = concat(timestamp(T0), le(xinfo), le(5, 1663), le(2, 901, 902), le(1), new byte[12],
                le(1), new byte[magic.droppedStatsItemSize()], le(2), new byte[32], le(900),
                "gid-1\0".getBytes(StandardCharsets.US_ASCII), new byte[16]);
        SyntheticWal wal = new SyntheticWal(Lsn.parse("0/1000000"), WalSegmentSize.DEFAULT, 8192, magic)
                .mainDataRecord(1, 0x30 | 0x80, 0, main)   // COMMIT_PREPARED with xinfo
                .mainDataRecord(1, 0x40 | 0x80, 0, main);  // ABORT_PREPARED with xinfo

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.commitCount()).isEqualTo(1);
        assertThat(summary.abortCount()).isEqualTo(1);
        assertThat(summary.minCommittedXid()).hasValue(900);
        assertThat(summary.commitsWithUnknownXid()).isZero();
    }

    @Test
    void countsACommitWhoseXidCannotBeRead() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000")
                .mainDataRecord(1, 0x30, 0, timestamp(T0))    // COMMIT_PREPARED without xinfo
                .mainDataRecord(1, 0x00, 0, timestamp(T0));   // a commit with no xid

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.commitCount()).isEqualTo(2);
        assertThat(summary.commitsWithUnknownXid()).isEqualTo(2);
        assertThat(summary.minCommittedXid()).isEmpty();
    }

    @Test
    void ignoresOtherTransactionRecords() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000")
                .mainDataRecord(1, 0x10, 5, timestamp(T0))     // PREPARE
                .mainDataRecord(1, 0x50, 5, le(5, 0))           // ASSIGNMENT
                .mainDataRecord(1, 0x60, 5, le(0));             // INVALIDATIONS

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.recordCount()).isEqualTo(3);
        assertThat(summary.commitCount() + summary.abortCount()).isZero();
        assertThat(summary.firstTransactionEnd()).isEmpty();
    }

    @Test
    void readsRestorePointNamesUpToTheirLimit() throws IOException {
        String longest = "p".repeat(63);
        SyntheticWal wal = SyntheticWal.segment("0/1000000")
                .restorePoint(longest, T0)
                .restorePoint("vor_der_Übernahme", T0.plusSeconds(5));
        Lsn second = wal.lastRecordLsn();

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.restorePoints()).extracting(RestorePoint::name).containsExactly(longest, "vor_der_Übernahme");
        assertThat(summary.restorePoint("vor_der_Übernahme")).contains(
                new RestorePoint("vor_der_Übernahme", T0.plusSeconds(5), second));
        assertThat(summary.firstTransactionEnd()).isEmpty();
    }

    @Test
    void goesOnAfterARecordThatPostgresAbandoned() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000").commit(10, T0).fillTo(8000);
        Lsn beforeLost = wal.lastRecordLsn();
        wal.mainDataRecord(11, 0, 0, new byte[1000]);  // would continue onto the next page
        wal.abandonRecordAt(8192, beforeLost).commit(12, T0.plusSeconds(1));

        WalSegmentSummary summary = scan(wal);

        assertThat(summary.commitCount()).isEqualTo(2);
        assertThat(summary.maxCommittedXid()).hasValue(12);
    }

    @Test
    void stopsAtARecordThatFailsItsChecksum() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000").commit(10, T0);
        Lsn broken = wal.nextLsn();
        wal.commit(11, T0.plusSeconds(1)).commit(12, T0.plusSeconds(2));
        byte[] bytes = wal.bytes();
        bytes[broken.segmentOffset(WalSegmentSize.DEFAULT) + 30]++; // inside the second commit's timestamp

        WalSegmentSummary summary = WalRecordScanner.scan(new ByteArrayInputStream(bytes), Lsn.parse("0/1000000"));

        assertThat(summary.end()).isEqualTo(WalScanEnd.INVALID_RECORD);
        assertThat(summary.endDetail()).contains(broken.toString()).contains("CRC");
        assertThat(summary.commitCount()).isEqualTo(1);
        assertThat(summary.lastRecordEnd()).isEqualTo(broken);
    }

    @Test
    void takesAPageLeftFromEarlierUseAsTheEndOfWal() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/5000000").commit(10, T0).fillTo(8192);
        byte[] bytes = wal.bytes();
        // A recycled segment: the next page still carries its header from when it was 0/2000000.
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
                .putShort(8192, (short) WalPageMagic.PG15.magic()).putLong(8192 + 8, 0x2002000L)
                .putInt(8192 + 24, 34);

        WalSegmentSummary summary = WalRecordScanner.scan(new ByteArrayInputStream(bytes), Lsn.parse("0/5000000"));

        assertThat(summary.end()).isEqualTo(WalScanEnd.END_OF_WAL);
        assertThat(summary.endDetail()).contains("0/2002000");
        assertThat(summary.recordCount()).isEqualTo(2);
        assertThat(summary.lastRecordEnd()).hasToString("0/5002000");
    }

    @Test
    void refusesASegmentFoundUnderAnotherName() {
        byte[] bytes = SyntheticWal.segment("0/5000000").commit(10, T0).bytes();

        assertThatThrownBy(() -> WalRecordScanner.scan(new ByteArrayInputStream(bytes), Lsn.parse("0/6000000")))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("0/5000000")
                .hasMessageContaining("0/6000000");
    }

    @Test
    void refusesBytesThatAreNoSegment() {
        assertThatThrownBy(() -> WalRecordScanner.scan(new ByteArrayInputStream(new byte[10]), Lsn.parse("0/1000000")))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("10 bytes");
        byte[] text = "this is a text file, not WAL at all, really not".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> WalRecordScanner.scan(new ByteArrayInputStream(text), Lsn.parse("0/1000000")))
                .isInstanceOf(WalFormatException.class)
                .hasMessageContaining("magic");
    }

    @Test
    void logsTheScanSpeedOverASegmentOfSmallRecords() throws IOException {
        SyntheticWal wal = SyntheticWal.segment("0/1000000");
        java.util.Random random = new java.util.Random(7);
        int commits = 0;
        while (wal.position() < (16 << 20) - 4096) {
            if (random.nextInt(6) == 0) {
                wal.commit(1000 + commits++, T0.plusNanos(commits * 1000L));
            } else {
                wal.filler(26 + random.nextInt(200)); // heap and index records are mostly this small
            }
        }
        byte[] segment = wal.bytes();
        Lsn start = Lsn.parse("0/1000000");
        WalSegmentSummary summary = null;
        for (int i = 0; i < 15; i++) {
            summary = WalRecordScanner.scan(new ByteArrayInputStream(segment), start);
        }
        int runs = 15;
        long began = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            WalRecordScanner.scan(new ByteArrayInputStream(segment), start);
        }
        double millis = (System.nanoTime() - began) / 1e6 / runs;
        WalSegmentSummary inPlace = null;
        for (int i = 0; i < 15; i++) {
            inPlace = WalRecordScanner.scan(segment, segment.length, start);
        }
        began = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            WalRecordScanner.scan(segment, segment.length, start);
        }
        double inPlaceMillis = (System.nanoTime() - began) / 1e6 / runs;

        assertThat(summary.commitCount()).isEqualTo(commits);
        assertThat(inPlace).isEqualTo(summary);
        // For the log only: timings depend on the machine and are never asserted.
        System.out.printf("WalRecordScanner: %.1f ms per 16 MiB segment of %d small records from a stream, %.1f ms in place (warm)%n",
                millis, summary.recordCount(), inPlaceMillis);
    }

    private static WalSegmentSummary scan(SyntheticWal wal) throws IOException {
        byte[] bytes = wal.bytes();
        Lsn start = new Lsn(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
        return WalRecordScanner.scan(new ByteArrayInputStream(bytes), start);
    }

    private static byte[] shorts(int... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : values) {
            buffer.putShort((short) value);
        }
        return buffer.array();
    }
}
