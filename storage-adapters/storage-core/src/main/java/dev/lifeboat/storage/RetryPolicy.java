package dev.lifeboat.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link RetryingBlobStore} retries {@link StorageException.Kind#TRANSIENT} failures:
 * at most {@code maxAttempts} calls in all, waiting a random time between zero and
 * {@code min(maxDelay, baseDelay * 2^(n-1))} after the n-th failure ("full jitter", so that
 * many clients failing together do not retry together).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** 5 attempts, waits capped at 0.2, 0.4, 0.8 and 1.6 s: about 3 s at worst before giving up. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(10));

    /** No retry at all. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative");
        }
    }

    /** The longest wait after the {@code failures}-th failed attempt (1 for the first). */
    public Duration delayCap(int failures) {
        if (baseDelay.isZero()) {
            return Duration.ZERO;
        }
        // base * 2^(failures-1), saturating well before it could overflow
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration cap = baseDelay;
        for (int i = 0; i < doublings && cap.compareTo(maxDelay) < 0; i++) {
            cap = cap.multipliedBy(2);
        }
        return cap.compareTo(maxDelay) < 0 ? cap : maxDelay;
    }
}
