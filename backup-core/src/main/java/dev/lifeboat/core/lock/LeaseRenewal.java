package dev.lifeboat.core.lock;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renews a lease in the background while its holder works: the repository lock and the read
 * leases of restores and drills. One daemon thread, so a holder that forgets to stop it does
 * not keep the JVM alive.
 */
final class LeaseRenewal {

    private final ScheduledExecutorService executor;

    LeaseRenewal(String threadName, Duration every, Runnable renew) {
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(renew, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** No further renewal (called from the renewal itself when the lease is lost). */
    void stop() {
        executor.shutdown();
    }

    /** Stops renewing and waits for a renewal under way, so that nothing is written after this returns. */
    void stopAndWait() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
