package dev.lifeboat.core.backup;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;
import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.EncodingStream;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies data files into a backup's objects, several at a time. A large file becomes an
 * object of its own, streamed through the compressor; small files (most of a catalog) are
 * packed, one zstd frame each, into objects of about {@link #PACK_TARGET} bytes, so a backup
 * is a few hundred objects rather than thousands of tiny ones. Memory stays bounded whatever
 * the size of the database and the number of jobs: a large file streams through buffers of a
 * fixed size, and the packs held at once are as many as half the heap holds
 * ({@link #packsAtOnce(long)}); a worker with a pack to build beyond that waits.
 */
final class DataObjectUploader {

    static final long SMALL_FILE = 1L << 20;
    static final long PACK_TARGET = 8L << 20;
    /**
     * The most a pack's buffer may hold: it doubles from 1 MiB, and a pack of up to
     * {@link #PACK_TARGET} plain bytes plus one small file compresses to a little more than 9 MiB at worst.
     */
    static final long PACK_BUFFER_AT_MOST = 16L << 20;

    private final Repository repository;
    private final String backupId;
    private final int jobs;
    private final ProgressListener progress;
    private final PageChecks pageChecks;
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();
    private final Semaphore packs = new Semaphore(packsAtOnce(Runtime.getRuntime().maxMemory()));
    private long totalBytes;
    private int objects;

    DataObjectUploader(Repository repository, String backupId, int jobs, ProgressListener progress) {
        this(repository, backupId, jobs, progress, PageChecks.off());
    }

    /** @param pageChecks checks the pages of relation files as they are read */
    DataObjectUploader(Repository repository, String backupId, int jobs, ProgressListener progress, PageChecks pageChecks) {
        this.repository = repository;
        this.pageChecks = pageChecks;
        this.backupId = backupId;
        this.jobs = Math.max(1, jobs);
        this.progress = progress;
    }

    /** Uploads every file; returns their manifest entries in path order (vanished files omitted). */
    List<BackupManifest.File> upload(List<FileEntry> files) {
        return upload(files, List.of());
    }

    /**
     * As {@link #upload(List)}, with {@code last} read only once every other file is stored: on
     * a standby, pg_control's minimum recovery point is where a restore of the backup becomes
     * consistent, so it must be read after every data file (as pg_basebackup sends it last).
     */
    List<BackupManifest.File> upload(List<FileEntry> files, List<FileEntry> last) {
        List<List<FileEntry>> plan = plan(files);
        objects = plan.size() + (last.isEmpty() ? 0 : 1);
        totalBytes = files.stream().mapToLong(FileEntry::size).sum() + last.stream().mapToLong(FileEntry::size).sum();
        List<BackupManifest.File> entries = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(jobs, runnable -> {
            Thread t = new Thread(runnable, "lifeboat-backup");
            t.setDaemon(true);
            return t;
        });
        AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < plan.size(); i++) {
                String key = RepositoryLayout.dataObject(backupId, i + 1);
                List<FileEntry> group = plan.get(i);
                futures.add(pool.submit(() -> {
                    if (firstFailure.get() != null) {
                        return;
                    }
                    try {
                        entries.addAll(group.size() == 1 && group.get(0).size() > SMALL_FILE
                                ? uploadSingle(key, group.get(0))
                                : uploadPack(key, group));
                    } catch (RuntimeException e) {
                        firstFailure.compareAndSet(null, e);
                    }
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    firstFailure.compareAndSet(null, new LifeboatException(ErrorCode.INTERNAL, String.valueOf(e.getCause()), null, e.getCause()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "backup interrupted", null, e);
        } finally {
            pool.shutdownNow();
        }
        if (firstFailure.get() != null) {
            throw firstFailure.get();
        }
        if (!last.isEmpty()) {
            entries.addAll(uploadPack(RepositoryLayout.dataObject(backupId, plan.size() + 1), last));
        }
        List<BackupManifest.File> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(BackupManifest.File::path));
        return sorted;
    }

    int objectCount() {
        return objects;
    }

    long storedBytes() {
        return storedBytes.get();
    }

    /** Large files alone, largest first (they set the pace); small ones packed in path order. */
    static List<List<FileEntry>> plan(List<FileEntry> files) {
        List<List<FileEntry>> plan = new ArrayList<>();
        files.stream().filter(f -> f.size() > SMALL_FILE)
                .sorted(Comparator.comparingLong(FileEntry::size).reversed())
                .forEach(f -> plan.add(List.of(f)));
        List<FileEntry> pack = new ArrayList<>();
        long packBytes = 0;
        for (FileEntry f : files) {
            if (f.size() > SMALL_FILE) {
                continue;
            }
            pack.add(f);
            packBytes += f.size();
            if (packBytes >= PACK_TARGET) {
                plan.add(pack);
                pack = new ArrayList<>();
                packBytes = 0;
            }
        }
        if (!pack.isEmpty()) {
            plan.add(pack);
        }
        return plan;
    }

    private List<BackupManifest.File> uploadSingle(String key, FileEntry file) {
        AtomicReference<EncodingStream> last = new AtomicReference<>();
        BlobContent content = () -> {
            EncodingStream stream = repository.codec().encode(new ProgressInputStream(pageChecks.open(file)));
            last.set(stream);
            return stream;
        };
        try {
            repository.store().put(key, content, PutMode.CREATE_ONLY);
        } catch (RuntimeException e) {
            if (Files.notExists(file.source())) {
                return List.of(); // dropped while we copied: WAL replay drops it again
            }
            throw e;
        }
        ContentDigest digest = last.get().digest();
        long stored = repository.store().stat(key).map(b -> b.size()).orElse(-1L);
        storedBytes.addAndGet(Math.max(0, stored));
        return List.of(new BackupManifest.File(file.path(), digest.size(), digest.sha256(), file.mode(), file.modified(),
                key, 0, stored));
    }

    /** Packs held in memory at once for a heap of {@code maxHeap} bytes: as many as half of it holds, at least one. */
    static int packsAtOnce(long maxHeap) {
        return (int) Math.max(1, Math.min(64, maxHeap / 2 / PACK_BUFFER_AT_MOST));
    }

    private List<BackupManifest.File> uploadPack(String key, List<FileEntry> group) {
        try {
            packs.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERNAL, "backup interrupted", null, e);
        }
        try {
            return buildAndStorePack(key, group);
        } finally {
            packs.release();
        }
    }

    private List<BackupManifest.File> buildAndStorePack(String key, List<FileEntry> group) {
        PackBuffer pack = new PackBuffer();
        List<BackupManifest.File> entries = new ArrayList<>(group.size());
        for (FileEntry file : group) {
            long offset = pack.size();
            EncodingStream encoded;
            try {
                encoded = repository.codec().encode(new ProgressInputStream(pageChecks.open(file)));
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw unreadable(file, e);
            }
            try (encoded) {
                encoded.transferTo(pack);
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                throw unreadable(file, e);
            }
            ContentDigest digest = encoded.digest();
            entries.add(new BackupManifest.File(file.path(), digest.size(), digest.sha256(), file.mode(), file.modified(),
                    key, offset, pack.size() - offset));
        }
        if (entries.isEmpty()) {
            return entries;
        }
        repository.store().put(key, pack.content(), PutMode.CREATE_ONLY);
        storedBytes.addAndGet(pack.size());
        return entries;
    }

    /** A pack's bytes, stored from the buffer they were written into (no copy of a whole pack). */
    private static final class PackBuffer extends ByteArrayOutputStream {
        PackBuffer() {
            super(1 << 20);
        }

        /** The bytes written so far; nothing may be written while the store reads them. */
        BlobContent content() {
            byte[] bytes = buf;
            int length = count;
            return new BlobContent() {
                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(bytes, 0, length);
                }

                @Override
                public long length() {
                    return length;
                }
            };
        }
    }

    private static LifeboatException unreadable(FileEntry file, IOException e) {
        return new LifeboatException(ErrorCode.POSTGRES, "cannot read " + file.source() + ": " + e.getMessage(),
                "run the backup as the postgres user or root", e);
    }

    /** Counts bytes read from data files for the progress display. */
    private final class ProgressInputStream extends java.io.FilterInputStream {
        ProgressInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                progress.advance("bytes", bytesDone.addAndGet(n), totalBytes);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                progress.advance("bytes", bytesDone.incrementAndGet(), totalBytes);
            }
            return b;
        }
    }

}
