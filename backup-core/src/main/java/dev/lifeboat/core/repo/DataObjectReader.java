package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reads the files a backup stored in one data object (a single large file, or a pack of small
 * ones), front to back in one pass, each checked against its recorded size and SHA-256 as it
 * is read. Restore writes what it reads; verify only reads it.
 */
public final class DataObjectReader {

    /** Receives one file's content; must read it to its end, which is when it is verified. */
    @FunctionalInterface
    public interface FileConsumer {
        void accept(BackupManifest.File file, InputStream content) throws IOException;
    }

    /** Hears of a damaged file (or, for a truncated object, the first of the files it lost). */
    @FunctionalInterface
    public interface DamageListener {
        void damaged(BackupManifest.File file, LifeboatException problem);
    }

    /** Work on the files of one data object. */
    @FunctionalInterface
    public interface ObjectTask {
        void run(String objectKey, List<BackupManifest.File> files) throws IOException;
    }

    private final Repository repository;

    public DataObjectReader(Repository repository) {
        this.repository = repository;
    }

    /** A backup's files grouped by the object that holds them, objects in key order, files in offset order. */
    private static Map<String, List<BackupManifest.File>> byObject(BackupManifest manifest) {
        Map<String, List<BackupManifest.File>> byObject = new LinkedHashMap<>();
        manifest.files().stream()
                .sorted(Comparator.comparing(BackupManifest.File::object).thenComparingLong(BackupManifest.File::offset))
                .forEach(f -> byObject.computeIfAbsent(f.object(), k -> new ArrayList<>()).add(f));
        return byObject;
    }

    /**
     * Runs {@code task} for each data object of the backup, {@code jobs} objects at a time
     * (memory stays bounded: each task streams its object). The first failure stops the rest
     * and is thrown as it was.
     */
    public static void forEachObject(BackupManifest manifest, int jobs, String threadName, ObjectTask task) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            // completion order, so that the first failure stops the rest at once
            CompletionService<Void> done = new ExecutorCompletionService<>(pool);
            int submitted = 0;
            for (var entry : byObject(manifest).entrySet()) {
                done.submit(() -> {
                    task.run(entry.getKey(), entry.getValue());
                    return null;
                });
                submitted++;
            }
            for (int i = 0; i < submitted; i++) {
                done.take().get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new LifeboatException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), null, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "interrupted while reading the objects of backup " + manifest.id(), null, e);
        } finally {
            pool.shutdownNow();
            awaitStopped(pool);
        }
    }

    /**
     * After a failure the other tasks are told to stop; wait until they have, so that a caller
     * removing what they wrote (a failed restore) does not race with them.
     */
    private static void awaitStopped(ExecutorService pool) {
        try {
            // bounded: a read stuck in a store without a timeout must not hang the command for ever
            pool.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads {@code files} (all stored in {@code objectKey}) in offset order. With a
     * {@code damage} listener, a damaged file is reported and reading goes on with the next
     * one; without, the first damage throws {@link ErrorCode#CORRUPT}. A missing object
     * throws the store's not-found error either way.
     */
    public void read(String objectKey, List<BackupManifest.File> files, FileConsumer consumer, DamageListener damage)
            throws IOException {
        List<BackupManifest.File> ordered = files.stream().sorted(Comparator.comparingLong(BackupManifest.File::offset)).toList();
        ObjectCodec codec = repository.codec();
        try (InputStream object = repository.store().get(objectKey)) {
            long position = 0;
            for (int i = 0; i < ordered.size(); i++) {
                BackupManifest.File file = ordered.get(i);
                try {
                    if (file.offset() > position) {
                        object.skipNBytes(file.offset() - position);
                        position = file.offset();
                    }
                } catch (EOFException e) {
                    LifeboatException truncated = new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + objectKey
                            + ": it ends before the content of " + file.path() + " (at byte " + file.offset() + ")"
                            + (ordered.size() - i > 1 ? " and of " + (ordered.size() - i - 1) + " more files" : ""),
                            "restore from another backup or repository");
                    if (damage == null) {
                        throw truncated;
                    }
                    damage.damaged(file, truncated);
                    return;
                }
                BoundedStream frame = new BoundedStream(object, file.storedSize());
                String name = objectKey + " (" + file.path() + ")";
                try (InputStream content = codec.decodeVerified(frame, name, new ContentDigest(file.sha256(), file.size()))) {
                    consumer.accept(file, content);
                } catch (LifeboatException e) {
                    if (damage == null || e.code() != ErrorCode.CORRUPT) {
                        throw e;
                    }
                    damage.damaged(file, e);
                } catch (EOFException e) {
                    LifeboatException truncated = new LifeboatException(ErrorCode.CORRUPT,
                            "corrupt object " + name + ": it ends inside this file's content", "restore from another backup or repository", e);
                    if (damage == null) {
                        throw truncated;
                    }
                    damage.damaged(file, truncated);
                    return;
                }
                // Skip what the decoder did not need, so the next file starts where it should.
                try {
                    frame.skipRest();
                } catch (EOFException e) {
                    if (i + 1 < ordered.size()) {
                        int lost = ordered.size() - i - 1;
                        LifeboatException truncated = new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + objectKey
                                + ": it ends inside the content of " + file.path() + ", so the " + lost + " file"
                                + (lost == 1 ? "" : "s") + " after it (from " + ordered.get(i + 1).path() + " on) are lost",
                                "restore from another backup or repository");
                        if (damage == null) {
                            throw truncated;
                        }
                        damage.damaged(ordered.get(i + 1), truncated);
                        return;
                    }
                }
                position += file.storedSize();
            }
        }
    }
}
