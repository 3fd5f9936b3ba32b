package dev.lifeboat.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WalFileNameTest {

    private static final WalSegmentSize MB_1 = WalSegmentSize.ofMegabytes(1);
    private static final WalSegmentSize MB_16 = WalSegmentSize.DEFAULT;
    private static final WalSegmentSize MB_64 = WalSegmentSize.ofMegabytes(64);
    private static final WalSegmentSize GB_1 = WalSegmentSize.ofMegabytes(1024);

    @Test
    void readsASegmentName() {
        WalSegmentName name = WalSegmentName.parse("000000010000000A000000FF");

        assertThat(name.kind()).isEqualTo(WalFileKind.SEGMENT);
        assertThat(name.timeline()).isEqualTo(1);
        assertThat(name.logId()).isEqualTo(0xA);
        assertThat(name.segmentInLog()).isEqualTo(0xFF);
        assertThat(name.segmentNumber()).isEqualTo(0xAFF);
        assertThat(name.timelineHex()).isEqualTo("00000001");
        assertThat(name.timelineAndLogId()).isEqualTo("000000010000000A");
        assertThat(name.startLsn()).hasToString("A/FF000000");
        assertThat(name.endLsn()).hasToString("B/0");
        assertThat(name).hasToString("000000010000000A000000FF");
    }

    @ParameterizedTest
    @CsvSource({
            "000000010000000000000001, 16, 0/1000000",
            "000000020000000A000000FF, 16, A/FF000000",
            "00000003000000010000003F, 64, 1/FC000000",
            "000000010000000000000FFF, 1, 0/FFF00000",
            "000000010000000100000003, 1024, 1/C0000000",
            "FFFFFFFFFFFFFFFF000000FF, 16, FFFFFFFF/FF000000"})
    void roundTripsForEverySegmentSize(String fileName, int megabytes, String startLsn) {
        WalSegmentSize size = WalSegmentSize.ofMegabytes(megabytes);

        WalSegmentName name = WalSegmentName.parse(fileName, size);

        assertThat(name.fileName()).isEqualTo(fileName);
        assertThat(name.startLsn()).isEqualTo(Lsn.parse(startLsn));
        assertThat(WalSegmentName.containing(name.timeline(), name.startLsn(), size)).isEqualTo(name);
        assertThat(WalFileName.parse(fileName, size)).isEqualTo(name);
    }

    @Test
    void theSegmentInLogPartIsBoundedBySegmentSize() {
        assertThat(WalSegmentName.parse("000000010000000000000100", MB_1).segmentNumber()).isEqualTo(0x100);
        assertThatThrownBy(() -> WalSegmentName.parse("000000010000000000000100", MB_16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("000000010000000000000100")
                .hasMessageContaining("16 MiB");
        assertThatThrownBy(() -> WalSegmentName.parse("000000010000000000000004", GB_1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WalFileName.isWalFileName("000000010000000000000100")).isTrue();
        assertThat(WalFileName.isWalFileName("000000010000000000000100", MB_16)).isFalse();
        assertThat(WalFileName.isWalFileName("000000010000000000000100", MB_1)).isTrue();
    }

    @Test
    void stepsAcrossLogBoundaries() {
        WalSegmentName last = WalSegmentName.parse("000000010000000A000000FF");

        assertThat(last.next()).hasToString("000000010000000B00000000");
        assertThat(last.next().previous()).isEqualTo(last);
        assertThat(WalSegmentName.parse("000000010000000B00000000", MB_64).previous())
                .hasToString("000000010000000A0000003F");
    }

    @Test
    void stopsAtTheEndsOfTheAddressSpace() {
        assertThatThrownBy(() -> WalSegmentName.of(1, 0, MB_16).previous())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> WalSegmentName.parse("00000001FFFFFFFF000000FF").next())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("00000001FFFFFFFF000000FF");
        assertThatThrownBy(() -> WalSegmentName.parse("00000001FFFFFFFF000000FF").endLsn())
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void aStopLsnOnASegmentBoundaryBelongsToThePreviousSegment() {
        Lsn boundary = Lsn.parse("0/3000000");

        assertThat(WalSegmentName.containing(1, boundary, MB_16)).hasToString("000000010000000000000003");
        assertThat(WalSegmentName.containingEndOf(1, boundary, MB_16)).hasToString("000000010000000000000002");
        assertThat(WalSegmentName.containingEndOf(1, boundary.plus(1), MB_16)).hasToString("000000010000000000000003");
        assertThat(WalSegmentName.containingEndOf(1, boundary.minus(1), MB_16)).hasToString("000000010000000000000002");
        assertThat(WalSegmentName.containingEndOf(1, Lsn.parse("1/0"), MB_16)).hasToString("0000000100000000000000FF");
        assertThatThrownBy(() -> WalSegmentName.containingEndOf(1, Lsn.INVALID, MB_16))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knowsWhichLsnsItHolds() {
        WalSegmentName name = WalSegmentName.parse("000000010000000000000003");

        assertThat(name.contains(Lsn.parse("0/3000000"))).isTrue();
        assertThat(name.contains(Lsn.parse("0/3FFFFFF"))).isTrue();
        assertThat(name.contains(Lsn.parse("0/4000000"))).isFalse();
        assertThat(name.contains(Lsn.parse("0/2FFFFFF"))).isFalse();
    }

    @Test
    void readsAPartialSegment() {
        WalFileName name = WalFileName.parse("000000020000000A000000FF.partial");

        assertThat(name.kind()).isEqualTo(WalFileKind.PARTIAL);
        assertThat(name.timeline()).isEqualTo(2);
        WalSegmentName segment = (WalSegmentName) name;
        assertThat(segment.partial()).isTrue();
        assertThat(segment.asComplete()).hasToString("000000020000000A000000FF");
        assertThat(segment.asComplete().asPartial()).isEqualTo(segment);
        assertThat(segment.next()).hasToString("000000020000000B00000000");
    }

    @Test
    void readsATimelineHistoryFile() {
        WalFileName name = WalFileName.parse("0000000A.history");

        assertThat(name).isEqualTo(new TimelineHistoryFileName(10));
        assertThat(name.kind()).isEqualTo(WalFileKind.HISTORY);
        assertThat(name.timelineHex()).isEqualTo("0000000A");
        assertThat(name.fileName()).isEqualTo("0000000A.history");
    }

    @Test
    void readsABackupHistoryFile() {
        WalFileName name = WalFileName.parse("000000010000000000000002.00000028.backup");

        assertThat(name.kind()).isEqualTo(WalFileKind.BACKUP_HISTORY);
        BackupHistoryFileName backup = (BackupHistoryFileName) name;
        assertThat(backup.timeline()).isEqualTo(1);
        assertThat(backup.segment()).hasToString("000000010000000000000002");
        assertThat(backup.startLsn()).hasToString("0/2000028");
        assertThat(BackupHistoryFileName.of(1, Lsn.parse("0/2000028"), MB_16)).isEqualTo(backup);
        assertThat(backup).hasToString("000000010000000000000002.00000028.backup");
        assertThatThrownBy(() -> BackupHistoryFileName.parse("000000010000000000000002.01000000.backup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("01000000");
        assertThat(BackupHistoryFileName.parse("000000010000000000000002.01000000.backup", MB_64).startLsn())
                .hasToString("0/9000000");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "00000001000000000000000", "0000000100000000000000001", "000000010000000000000001 ",
            "000000010000000a000000ff", "00000000000000000000000A", "0000000G0000000000000001",
            "000000010000000000000001.part", "000000010000000000000001.PARTIAL", "000000010000000000000001partial",
            "00000001.history.partial", "0000001.history", "000000001.history", "00000000.history",
            "0000000a.history", "00000001.HISTORY", "000000010000000000000002.0000028.backup",
            "000000010000000000000002.00000028", "000000010000000000000002.00000028.backup.partial",
            "000000010000000000000002.0000002g.backup", "000000010000000000000002-00000028.backup",
            "000000010000000000000002.00000028.BACKUP", "../000000010000000000000001",
            "000000010000000000000001.zst", "archive_status", "00000001000000000000000١"})
    void rejectsEverythingElseNamingTheInput(String name) {
        assertThatThrownBy(() -> WalFileName.parse(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
        assertThat(WalFileName.isWalFileName(name, MB_16)).isFalse();
    }

    @Test
    void rejectsNullAndMissingSizes() {
        assertThatThrownBy(() -> WalFileName.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(WalFileName.isWalFileName(null)).isFalse();
        assertThatThrownBy(() -> WalSegmentName.of(1, 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalSegmentName.of(0, 1, MB_16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeline");
        assertThatThrownBy(() -> WalSegmentName.of(1, -1, MB_16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalSegmentName.of(1, 1L << 40, MB_16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recognisesEveryKindByShape() {
        assertThat(WalFileName.isWalFileName("000000010000000000000001")).isTrue();
        assertThat(WalFileName.isWalFileName("000000010000000000000001.partial")).isTrue();
        assertThat(WalFileName.isWalFileName("00000002.history")).isTrue();
        assertThat(WalFileName.isWalFileName("000000010000000000000002.00000028.backup")).isTrue();
        assertThat(WalFileName.isWalFileName("000000010000000000000002.00000028.backup.zst")).isFalse();
        assertThat(WalFileName.isWalFileName("00000001.history.tmp")).isFalse();
    }
}
