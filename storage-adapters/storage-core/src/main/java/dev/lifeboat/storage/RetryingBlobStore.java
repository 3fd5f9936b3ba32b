package dev.lifeboat.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

/**
 * Retries {@link StorageException.Kind#TRANSIENT} failures of every operation with exponential
 * backoff and full jitter ({@link RetryPolicy}); NOT_FOUND, ALREADY_EXISTS and PERMANENT are
 * answers, never retried. When the attempts run out, the last failure is thrown, still
 * TRANSIENT, so that callers can tell an outage from "not found".
 *
 * <p>What a retry covers: a put is repeated whole (the adapter re-opens the
 * {@link BlobContent}); a get is retried until the stream is open, not while it is read; a
 * list is retried until the stream is returned, not while it pages.
 */
public final class RetryingBlobStore extends ForwardingBlobStore {

    /** Waits between attempts; tests inject one that records the waits instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private static final int COMPARE_BUFFER = 64 * 1024;

    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final DoubleSupplier jitter;

    public RetryingBlobStore(BlobStore delegate, RetryPolicy policy) {
        this(delegate, policy, duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos()),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param jitter yields the fraction in [0, 1) of the delay cap to wait after a failure
     */
    public RetryingBlobStore(BlobStore delegate, RetryPolicy policy, Sleeper sleeper, DoubleSupplier jitter) {
        super(delegate);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.jitter = Objects.requireNonNull(jitter, "jitter");
    }

    public RetryPolicy policy() {
        return policy;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        retry(key, attempt -> {
            try {
                delegate().put(key, content, mode);
            } catch (StorageException e) {
                // An earlier attempt failed TRANSIENT, yet it may have stored the blob: an S3 PUT
                // can fail on the client after the server stored it. So ALREADY_EXISTS now may be
                // our own blob; it is a success exactly when the stored bytes are the content.
                boolean maybeOurs = attempt > 1 && mode == PutMode.CREATE_ONLY
                        && e.kind() == StorageException.Kind.ALREADY_EXISTS;
                if (!(maybeOurs && storedBytesEqual(key, content))) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public InputStream get(String key) {
        return retry(key, attempt -> delegate().get(key));
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        return retry(key, attempt -> delegate().get(key, offset, length));
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return retry(key, attempt -> delegate().stat(key));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return retry(prefix, attempt -> delegate().list(prefix));
    }

    @Override
    public void delete(String key) {
        retry(key, attempt -> {
            delegate().delete(key);
            return null;
        });
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run(int attempt);
    }

    private <T> T retry(String key, Attempt<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run(attempt);
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.TRANSIENT) {
                    throw e;
                }
                if (attempt >= policy.maxAttempts()) {
                    throw attempt == 1 ? e : withNote(e, "gave up after " + attempt + " attempts", null);
                }
                pause(e, attempt);
            }
        }
    }

    private void pause(StorageException failure, int failures) {
        double fraction = Math.min(Math.max(jitter.getAsDouble(), 0.0), 1.0);
        Duration delay = Duration.ofNanos((long) (policy.delayCap(failures).toNanos() * fraction));
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw withNote(failure, "interrupted while waiting to retry", e);
        }
    }

    private static StorageException withNote(StorageException failure, String note, Throwable suppressed) {
        StorageException wrapped = new StorageException(failure.kind(), failure.location(), failure.key(),
                failure.getMessage() + " (" + note + ")", failure);
        if (suppressed != null) {
            wrapped.addSuppressed(suppressed);
        }
        return wrapped;
    }

    /** Whether the blob stored under {@code key} has exactly the bytes of {@code content}. */
    private boolean storedBytesEqual(String key, BlobContent content) {
        try (InputStream stored = delegate().get(key);
             ContentStream expected = ContentStream.open(content, location(), key)) {
            byte[] a = new byte[COMPARE_BUFFER];
            byte[] b = new byte[COMPARE_BUFFER];
            while (true) {
                int n = expected.readNBytes(a, 0, a.length);
                int m = stored.readNBytes(b, 0, b.length);
                if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
                    return false;
                }
                if (n < a.length) {
                    return true;
                }
            }
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                return false; // deleted meanwhile: not ours to claim
            }
            throw e;
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.TRANSIENT, location(), key,
                    "cannot read '" + key + "' back from " + location() + " to compare it: "
                            + StorageException.oneLine(e), e);
        }
    }
}
