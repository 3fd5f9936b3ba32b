package dev.lifeboat.storage;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class BandwidthTest {

    private long now = 1_000_000_000L;
    private long slept;
    private final Bandwidth bandwidth = new Bandwidth(TransferRate.parse("1MB/s"), () -> now, nanos -> {
        slept += nanos;
        now += nanos;
    });

    @Test
    void bytesPassAtTheRateOnAverage() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            bandwidth.acquire(50_000); // 5 MB in all
        }

        // 5 s at 1 MB/s: a new budget has no unused time to spend
        assertThat(TimeUnit.NANOSECONDS.toMillis(slept)).isBetween(4_990L, 5_010L);
    }

    @Test
    void aPauseIsNotMadeUpForWithALongBurst() throws InterruptedException {
        bandwidth.acquire(100_000);
        now += TimeUnit.SECONDS.toNanos(60); // idle for a minute
        slept = 0;

        for (int i = 0; i < 10; i++) {
            bandwidth.acquire(100_000); // 1 MB
        }

        assertThat(TimeUnit.NANOSECONDS.toMillis(slept)).isBetween(890L, 910L);
    }

    @Test
    void smallReadsWithinTheBurstDoNotWait() throws InterruptedException {
        now += TimeUnit.SECONDS.toNanos(1);
        bandwidth.acquire(64 * 1024);

        assertThat(slept).isZero();
    }
}
