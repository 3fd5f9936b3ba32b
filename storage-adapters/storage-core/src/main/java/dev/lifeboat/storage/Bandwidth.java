package dev.lifeboat.storage;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A budget of bytes per second shared by every stream that draws on it (all the uploads of a
 * command, say): each caller reserves the bytes it is about to move and waits until the budget
 * allows them. Up to a tenth of a second of unused budget may be spent at once, so a pause
 * is not made up for with a long burst.
 */
public final class Bandwidth {

    /** Waits; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final TransferRate rate;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    /** When the bytes reserved so far will have passed at the rate. */
    private long nextFree;

    public Bandwidth(TransferRate rate) {
        this(rate, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    public Bandwidth(TransferRate rate, LongSupplier nanoClock, Sleeper sleeper) {
        this.rate = rate;
        this.clock = nanoClock;
        this.sleeper = sleeper;
        this.nextFree = nanoClock.getAsLong();
    }

    public TransferRate rate() {
        return rate;
    }

    /** Waits until {@code bytes} more may move; throws {@link InterruptedException} if interrupted meanwhile. */
    public void acquire(long bytes) throws InterruptedException {
        if (bytes <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            if (nextFree < now - BURST_NANOS) {
                nextFree = now - BURST_NANOS;
            }
            nextFree += (long) (bytes * 1e9 / rate.bytesPerSecond());
            wait = nextFree - now;
        }
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
    }
}
