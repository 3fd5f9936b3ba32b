package dev.lifeboat.core.backup;

import dev.lifeboat.core.pg.PageChecksum;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.ThrowawayCluster;
import dev.lifeboat.core.wal.Lsn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page checksum against the ones PostgreSQL itself wrote: the pages of a table in a cluster
 * initialised with data checksums, read from its file after a checkpoint. Then the rules for
 * pages PostgreSQL may be writing while a backup reads them.
 */
class PageVerifierTest {

    private static final int PAGE = PageChecksum.PAGE_SIZE;

    @RegisterExtension
    static final ThrowawayCluster pg = ThrowawayCluster.create().with(b -> b.dataChecksums(true));

    private static byte[] table;
    private static String path;
    private static long currentLsn;

    @TempDir
    Path dir;

    @BeforeAll
    static void tableOfSeveralPages() throws IOException {
        ClusterSql.execute(pg.cluster(), "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 2000) g");
        ClusterSql.execute(pg.cluster(), "CHECKPOINT");
        path = ClusterSql.queryForString(pg.cluster(), "SELECT pg_relation_filepath('t')");
        currentLsn = Lsn.parse(ClusterSql.queryForString(pg.cluster(), "SELECT pg_current_wal_lsn()::text")).value();
        table = Files.readAllBytes(pg.cluster().dataDirectory().resolve(path));
    }

    @Test
    void everyPageWrittenByPostgresCarriesTheChecksumWeCompute() {
        assertThat(table.length / PAGE).as("pages of t").isGreaterThan(5);
        for (int block = 0; block < table.length / PAGE; block++) {
            assertThat(PageChecksum.compute(table, block * PAGE, block)).as("block " + block)
                    .isEqualTo(PageChecksum.stored(table, block * PAGE));
        }
    }

    @Test
    void aFlippedByteOrAnotherBlockNumberFailsTheChecksum() {
        byte[] page = Arrays.copyOfRange(table, 2 * PAGE, 3 * PAGE);
        assertThat(PageChecksum.matches(page, 0, 2)).isTrue();
        assertThat(PageChecksum.matches(page, 0, 3)).as("the same page moved to block 3").isFalse();
        page[5000] ^= 0x01;
        assertThat(PageChecksum.matches(page, 0, 2)).isFalse();
    }

    @Test
    void aDamagedPageIsReportedByItsBlockNumberAndTheOthersPass() throws IOException {
        byte[] damaged = table.clone();
        damaged[3 * PAGE + 4000] ^= 0x40;
        Path file = write("16384", damaged);

        PageVerifier verifier = readThrough(file, "base/5/16384", damaged, 1000);

        assertThat(verifier.corruptPages()).isEqualTo(1);
        assertThat(verifier.blockRanges(10)).containsExactly("3");
    }

    @Test
    void blocksOfLaterSegmentsAreNumberedFromTheSegmentStart() throws IOException {
        // Segment 1 starts at block 131072: its first page must carry the checksum of that block number.
        byte[] page = Arrays.copyOfRange(table, 0, PAGE);
        Path file = write("16384.1", page);
        PageVerifier verifier = readThrough(file, "base/5/16384.1", page, PAGE);
        assertThat(verifier.corruptPages()).as("block 0's checksum is wrong for block 131072").isEqualTo(1);
        assertThat(verifier.blockRanges(10)).containsExactly("131072");
    }

    @Test
    void newPagesArePartialLastPagesAreSkippedAndRangesAreMerged() throws IOException {
        byte[] bytes = new byte[5 * PAGE + 100];
        System.arraycopy(table, 0, bytes, 0, PAGE); // block 0: valid
        // block 1: all zeros (a new page): valid
        for (int b = 2; b <= 4; b++) { // blocks 2..4: old pages written at the wrong place
            System.arraycopy(table, 0, bytes, b * PAGE, PAGE);
        }
        System.arraycopy(table, 0, bytes, 5 * PAGE, 100); // the start of a page still being written
        Path file = write("16384_fsm", bytes);

        PageVerifier verifier = readThrough(file, "base/5/16384_fsm", bytes, 3333);

        assertThat(verifier.corruptPages()).isEqualTo(3);
        assertThat(verifier.blockRanges(10)).containsExactly("2-4");
    }

    @Test
    void aPageWrittenAfterTheBackupStartedIsSkipped() throws IOException {
        byte[] damaged = table.clone();
        damaged[PAGE + 4000] ^= 0x40;
        Path file = write("16384", damaged);

        long lsnOfBlock1 = PageChecksum.lsn(damaged, PAGE);
        PageVerifier verifier = new PageVerifier(file, RelationFile.parse("base/5/16384"), lsnOfBlock1, 131072);
        feed(verifier, damaged, 8192);
        assertThat(verifier.corruptPages()).as("its LSN is at the backup's start: WAL replay rewrites it").isZero();
    }

    @Test
    void aPageTornWhileReadPassesWhenReadAgain() throws IOException {
        Path file = write("16384", table);
        byte[] torn = table.clone();
        System.arraycopy(new byte[4096], 0, torn, 2 * PAGE + 4096, 4096); // half the page still old
        PageVerifier verifier = new PageVerifier(file, RelationFile.parse("base/5/16384"), currentLsn, 131072);
        feed(verifier, torn, 5000);
        assertThat(verifier.corruptPages()).as("the file itself holds the whole page").isZero();
    }

    @Test
    void onlyRelationFilesAreChecked() {
        assertThat(RelationFile.parse("base/5/16384.2")).isEqualTo(new RelationFile(1663, 5, 16384, "main", 2));
        assertThat(RelationFile.parse("global/1262_vm")).isEqualTo(new RelationFile(1664, 0, 1262, "vm", 0));
        assertThat(RelationFile.parse("pg_tblspc/16390/PG_15_202209061/5/16391_init"))
                .isEqualTo(new RelationFile(16390, 5, 16391, "init", 0));
        assertThat(RelationFile.parse("base/5/pg_internal.init")).isNull();
        assertThat(RelationFile.parse("base/5/pg_filenode.map")).isNull();
        assertThat(RelationFile.parse("base/5/PG_VERSION")).isNull();
        assertThat(RelationFile.parse("base/5/t3_16384")).isNull();
        assertThat(RelationFile.parse("global/pg_control")).isNull();
        assertThat(RelationFile.parse("pg_xact/0000")).isNull();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    /** Reads the bytes through the checking stream in reads of {@code chunk} bytes, as the uploader would. */
    private PageVerifier readThrough(Path file, String relativePath, byte[] bytes, int chunk) throws IOException {
        AtomicReference<PageVerifier> done = new AtomicReference<>();
        PageVerifier verifier = new PageVerifier(file, RelationFile.parse(relativePath), currentLsn, 131072);
        try (InputStream in = new PageCheckingInputStream(new ByteArrayInputStream(bytes), verifier, done::set)) {
            byte[] buffer = new byte[chunk];
            while (in.read(buffer) >= 0) {
                // only read
            }
        }
        assertThat(done.get()).as("reported at the end of the stream").isSameAs(verifier);
        return verifier;
    }

    private static void feed(PageVerifier verifier, byte[] bytes, int chunk) {
        for (int at = 0; at < bytes.length; at += chunk) {
            verifier.accept(bytes, at, Math.min(chunk, bytes.length - at));
        }
        verifier.finish();
    }
}
