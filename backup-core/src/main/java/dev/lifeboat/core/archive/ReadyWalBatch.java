package dev.lifeboat.core.archive;

import dev.lifeboat.core.repo.WalArchive;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Pushes, in the same process, the WAL files PostgreSQL has marked ready after the one it
 * asked for. PostgreSQL calls archive_command once per 16 MiB segment; a JVM per call caps
 * archiving at a couple of segments a second, while a busy primary makes many more. Pushed
 * ahead, the later calls find their segment stored and bin/lifeboat answers them without a
 * JVM. PostgreSQL's own .ready/.done bookkeeping is left alone: only its calls mark a file
 * done, so a failure here costs nothing but the head start.
 */
public final class ReadyWalBatch {

    private final WalPushService pusher;
    private final int maxFiles;
    private final int threads;

    public ReadyWalBatch(WalPushService pusher, int maxFiles, int threads) {
        this.pusher = pusher;
        this.maxFiles = maxFiles;
        this.threads = Math.max(1, threads);
    }

    /** The ready files after {@code requested}, oldest first, at most maxFiles. */
    List<Path> readyAfter(Path requested) {
        Path walDir = requested.toAbsolutePath().getParent();
        Path status = walDir.resolve("archive_status");
        String requestedName = requested.getFileName().toString();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ready = Files.newDirectoryStream(status, "*.ready")) {
            for (Path marker : ready) {
                String name = marker.getFileName().toString();
                name = name.substring(0, name.length() - ".ready".length());
                if (!name.equals(requestedName) && WalArchive.isArchivableName(name) && name.length() == 24) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        names.sort(null);
        List<Path> files = new ArrayList<>();
        for (String name : names) {
            if (files.size() >= maxFiles) {
                break;
            }
            files.add(walDir.resolve(name));
        }
        return files;
    }

    /**
     * Pushes the requested file and, alongside it, the ready files after it. Returns the
     * requested file's result; the others' failures are ignored (PostgreSQL asks again).
     */
    public WalPushService.Result push(Path requested) {
        List<Path> ahead = maxFiles > 0 ? readyAfter(requested) : List.of();
        if (ahead.isEmpty()) {
            return pusher.push(requested);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lifeboat-wal-ahead");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> others = new ArrayList<>();
            for (Path file : ahead) {
                others.add(pool.submit(() -> {
                    try {
                        pusher.push(file);
                    } catch (RuntimeException ignored) {
                        // recycled meanwhile, or a real problem that PostgreSQL's own call will report
                    }
                }));
            }
            WalPushService.Result result = pusher.push(requested);
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.MINUTES);
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pusher.push(requested);
        } finally {
            pool.shutdownNow();
        }
    }
}
