package dev.lifeboat.bench;

import dev.lifeboat.core.pg.PageChecksum;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What checking data page checksums costs a backup in CPU: the checksum of 1 MiB of 8 KiB pages
 * (128 pages) per operation, on one thread. MB/s = ops/s x 1.048576. The checksum's cost does
 * not depend on the content, so the pages are random bytes with a plausible header.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PageChecksumBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PageChecksumBenchmark {

    private static final int PAGES = 128;

    private byte[] pages;

    @Setup
    public void pages() {
        pages = new byte[PAGES * PageChecksum.PAGE_SIZE];
        new SplittableRandom(15).nextBytes(pages);
        for (int p = 0; p < PAGES; p++) {
            int at = p * PageChecksum.PAGE_SIZE;
            pages[at + 14] = 0x40; // pd_upper != 0: an initialised page
        }
    }

    /** The checksum alone, as PostgreSQL computes it. */
    @Benchmark
    public int checksumOneMebibyte() {
        int x = 0;
        for (int p = 0; p < PAGES; p++) {
            x ^= PageChecksum.compute(pages, p * PageChecksum.PAGE_SIZE, p);
        }
        return x;
    }

    /** What the backup does per page: new-page and LSN tests, then the checksum compared with the stored one. */
    @Benchmark
    public int checkOneMebibyte() {
        int failed = 0;
        for (int p = 0; p < PAGES; p++) {
            int at = p * PageChecksum.PAGE_SIZE;
            if (!PageChecksum.isNew(pages, at) && PageChecksum.lsn(pages, at) != -1 && !PageChecksum.matches(pages, at, p)) {
                failed++;
            }
        }
        return failed;
    }
}
