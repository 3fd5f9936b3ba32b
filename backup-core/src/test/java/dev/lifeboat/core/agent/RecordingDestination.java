package dev.lifeboat.core.agent;

import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.WalArchive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/** An archive in memory with the repository's rules (same content again is fine, different is refused). */
final class RecordingDestination implements ArchiveDestination {

    final Map<String, String> stored = new ConcurrentHashMap<>();
    final List<String> pushes = new CopyOnWriteArrayList<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final Map<String, byte[]> partials = new ConcurrentHashMap<>();
    volatile CountDownLatch hold = new CountDownLatch(0);
    volatile CountDownLatch started = new CountDownLatch(0);

    @Override
    public WalPushService.Result push(Path file) {
        String name = file.getFileName().toString();
        pushes.add(name);
        started.countDown();
        try {
            hold.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failing.contains(name)) {
            throw new LifeboatException(ErrorCode.STORAGE, "the store is down for " + name, null);
        }
        String sha = ObjectCodec.sha256(file);
        String before = stored.putIfAbsent(name, sha);
        if (before != null && !before.equals(sha)) {
            throw new LifeboatException(ErrorCode.CONFLICT, "WAL file " + name + " is already archived with different content", null);
        }
        try {
            return new WalPushService.Result(name, before == null ? WalArchive.PushOutcome.STORED : WalArchive.PushOutcome.ALREADY_ARCHIVED,
                    Files.size(file), sha, Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void storePartial(String segment, Path file, long length, String endLsn) {
        try {
            byte[] all = Files.readAllBytes(file);
            partials.put(segment, java.util.Arrays.copyOf(all, (int) length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void dropPartial(String segment) {
        partials.remove(segment);
    }

    @Override
    public String location() {
        return "/srv/lifeboat/test";
    }
}
