package dev.lifeboat.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Gives up on a request that hangs, whatever the store: a hung NFS mount or a server that
 * accepts a connection and never answers must end in a {@link StorageException.Kind#TRANSIENT}
 * failure (which the retry decorator above may retry), not in an archive_command that never
 * returns. Each call runs on a worker thread while the caller waits:
 * <ul>
 *   <li>stat, delete, and opening a get or a list: at most the timeout in all;
 *   <li>put: at most the timeout <em>without progress</em>, where progress is the store reading
 *       the content, so a large upload at a steady pace is never cut short.
 * </ul>
 * Reading a stream that a get or list returned is not timed here (the adapter's own socket
 * timeouts cover it). A call given up on is interrupted; whatever it would still return is
 * closed. A put given up on may still complete, which is safe: puts are atomic, and a retried
 * CREATE_ONLY recognises its own blob.
 */
public final class TimeLimitedBlobStore extends ForwardingBlobStore {

    private final Duration timeout;
    private final ExecutorService workers;

    public TimeLimitedBlobStore(BlobStore delegate, Duration timeout) {
        super(delegate);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a request timeout must be positive, not " + timeout);
        }
        this.workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "lifeboat-store-request");
            thread.setDaemon(true);
            return thread;
        });
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        BlobContent watched = new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                lastProgress.set(System.nanoTime());
                return new ProgressMarking(content.open(), lastProgress);
            }

            @Override
            public long length() {
                return content.length();
            }
        };
        run("store", key, () -> {
            delegate().put(key, watched, mode);
            return Boolean.TRUE;
        }, lastProgress, ignored -> { });
    }

    @Override
    public InputStream get(String key) {
        return run("read", key, () -> delegate().get(key), null, TimeLimitedBlobStore::closeQuietly);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        return run("read", key, () -> delegate().get(key, offset, length), null, TimeLimitedBlobStore::closeQuietly);
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        return run("look up", key, () -> delegate().stat(key), null, ignored -> { });
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        return run("list", prefix, () -> delegate().list(prefix), null, Stream::close);
    }

    @Override
    public void delete(String key) {
        run("delete", key, () -> {
            delegate().delete(key);
            return Boolean.TRUE;
        }, null, ignored -> { });
    }

    @Override
    public void close() {
        workers.shutdownNow();
        super.close();
    }

    @FunctionalInterface
    private interface Call<T> {
        T call();
    }

    /** What a worker hands back, or that the caller gave up on it (then the worker discards its result). */
    private static final class Outcome<T> {
        T value;
        Throwable failure;
        boolean done;
        boolean abandoned;
    }

    /**
     * Runs {@code call} on a worker and waits for it until the deadline: the timeout after the
     * start, or after the last progress when {@code progress} is given. A result that arrives
     * after the caller gave up is handed to {@code discard}.
     */
    private <T> T run(String verb, String key, Call<T> call, AtomicLong progress, Consumer<T> discard) {
        Outcome<T> outcome = new Outcome<>();
        Future<?> worker;
        try {
            worker = workers.submit(() -> {
                T value = null;
                Throwable failure = null;
                try {
                    value = call.call();
                } catch (Throwable t) {
                    failure = t;
                }
                synchronized (outcome) {
                    if (!outcome.abandoned) {
                        outcome.value = value;
                        outcome.failure = failure;
                        outcome.done = true;
                        outcome.notifyAll();
                        return;
                    }
                }
                if (value != null) {
                    discard.accept(value);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new StorageException(StorageException.Kind.PERMANENT, location(), key, "store " + location() + " is closed", e);
        }
        long started = System.nanoTime();
        long timeoutNanos = timeout.toNanos();
        synchronized (outcome) {
            try {
                while (!outcome.done) {
                    long since = progress == null ? started : progress.get();
                    long left = since + timeoutNanos - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(outcome, left);
                }
            } catch (InterruptedException e) {
                outcome.abandoned = true;
                worker.cancel(true);
                Thread.currentThread().interrupt();
                throw new StorageException(StorageException.Kind.TRANSIENT, location(), key,
                        "interrupted while waiting to " + verb + " '" + key + "' in " + location(), e);
            }
            if (!outcome.done) {
                outcome.abandoned = true;
            }
        }
        if (!outcome.done) {
            worker.cancel(true);
            throw new StorageException(StorageException.Kind.TRANSIENT, location(), key,
                    "cannot " + verb + " '" + key + "' in " + location() + ": no answer "
                            + (progress == null ? "within " : "and no progress for ") + describe(timeout));
        }
        Throwable failure = outcome.failure;
        if (failure == null) {
            return outcome.value;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new StorageException(StorageException.Kind.TRANSIENT, location(), key,
                "cannot " + verb + " '" + key + "' in " + location() + ": " + StorageException.oneLine(failure), failure);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // given up on: nobody reads it
        }
    }

    /** Marks the time of every read, for the put's deadline. */
    private static final class ProgressMarking extends FilterInputStream {
        private final AtomicLong lastProgress;

        ProgressMarking(InputStream in, AtomicLong lastProgress) {
            super(in);
            this.lastProgress = lastProgress;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            lastProgress.set(System.nanoTime());
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            lastProgress.set(System.nanoTime());
            return n;
        }
    }
}
