package dev.lifeboat.core.repo;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies one object between stores byte for byte (it stays encoded as it was) while checking
 * the bytes as they pass, in a single read of the source: a {@link StoredObjectCheck} reads the
 * same bytes on a thread of its own, and the copy hands the store its last bytes only once the
 * check has passed. Stores commit a put only after its last byte, so a corrupt source object is
 * never visible in the target, not even for a moment.
 *
 * <p>The target is written with CREATE_ONLY: an object already there (a copy that a killed
 * run completed, a racing copy) is left alone.
 */
public final class VerifiedObjectCopy {

    private static final int PIPE_BUFFER = 1 << 20;

    private VerifiedObjectCopy() {
    }

    /** What a copy did. */
    public enum Outcome { COPIED, ALREADY_THERE }

    /**
     * Copies {@code key} of {@code size} bytes from {@code source} to {@code target}. Fails with
     * {@link ErrorCode#CORRUPT} when the source's bytes fail the check (the target is left
     * without the object), and with the stores' own failures otherwise.
     */
    public static Outcome copy(BlobStore source, BlobStore target, String key, long size, StoredObjectCheck check) {
        AtomicReference<LifeboatException> corrupt = new AtomicReference<>();
        BlobContent content = new BlobContent() {
            @Override
            public InputStream open() throws IOException {
                return new CheckedStream(source.get(key), size, check, key, corrupt);
            }

            @Override
            public long length() {
                return size;
            }
        };
        try {
            target.put(key, content, PutMode.CREATE_ONLY);
            return Outcome.COPIED;
        } catch (StorageException e) {
            if (corrupt.get() != null) {
                throw corrupt.get();
            }
            if (e.kind() == StorageException.Kind.ALREADY_EXISTS) {
                return Outcome.ALREADY_THERE;
            }
            // The source's own failure (it went away mid-read) arrives as unreadable content: name the source.
            if (e.getCause() instanceof SourceFailure failure) {
                throw failure.cause;
            }
            throw e;
        }
    }

    /** A failure of the source store while the target read from it. */
    private static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient RuntimeException cause;

        SourceFailure(RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }
    }

    /**
     * The source's bytes, fed to the check on another thread as they are read. Before the last
     * byte is handed on, it waits for the check's verdict.
     */
    private static final class CheckedStream extends FilterInputStream {
        private final long size;
        private final String key;
        private final AtomicReference<LifeboatException> corrupt;
        private final PipedOutputStream toCheck;
        private final Thread checker;
        private final AtomicReference<Throwable> verdict = new AtomicReference<>();
        private long count;
        private boolean settled;

        CheckedStream(InputStream in, long size, StoredObjectCheck check, String key,
                      AtomicReference<LifeboatException> corrupt) throws IOException {
            super(in);
            this.size = size;
            this.key = key;
            this.corrupt = corrupt;
            PipedInputStream checked = new PipedInputStream(PIPE_BUFFER);
            this.toCheck = new PipedOutputStream(checked);
            this.checker = new Thread(() -> {
                try (checked) {
                    check.check(checked);
                } catch (Throwable t) {
                    verdict.set(t);
                }
                try {
                    // Keep the pipe flowing when the check stopped early, so the copy can end.
                    checked.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the copy side closed: nothing left to drain
                }
            }, "lifeboat-copy-check");
            this.checker.setDaemon(true);
            this.checker.start();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = in.read(buffer, offset, length);
            } catch (StorageException e) {
                throw new SourceFailure(e);
            } catch (LifeboatException e) {
                throw new SourceFailure(e);
            }
            if (n < 0) {
                settle();
                return n;
            }
            toCheck.write(buffer, offset, n);
            toCheck.flush(); // wakes the checker now rather than at its next poll
            count += n;
            if (count >= size) {
                settle(); // the last bytes leave only with a verdict
            }
            return n;
        }

        private void settle() throws IOException {
            if (settled) {
                return;
            }
            settled = true;
            toCheck.close();
            try {
                checker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while checking " + key);
            }
            Throwable failure = verdict.get();
            if (failure == null) {
                return;
            }
            LifeboatException named = failure instanceof LifeboatException le && le.code() == ErrorCode.CORRUPT ? le
                    : new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + key + ": " + failure.getMessage(),
                    "copy it from another repository, or take a new backup", failure);
            corrupt.set(named);
            throw new IOException(named.getMessage(), named);
        }

        @Override
        public void close() throws IOException {
            try {
                toCheck.close();
            } finally {
                super.close();
            }
        }
    }
}
