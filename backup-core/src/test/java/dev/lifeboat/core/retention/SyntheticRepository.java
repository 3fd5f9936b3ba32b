package dev.lifeboat.core.retention;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A repository in memory with backups and WAL made up to order: backups start and stop in
 * given segments at given times, each segment has a summary whose transaction ends at a
 * known time, so that restore planning can tell what is reachable.
 */
final class SyntheticRepository {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final long SEGMENT = 16L << 20;

    /** A clock the test moves; the store stamps objects with it. */
    static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final MovableClock clock = new MovableClock(NOW);
    final InMemoryBlobStore store;
    final Repository repository;
    private final Path temp;

    SyntheticRepository(Path temp) {
        this.temp = temp;
        this.store = new InMemoryBlobStore("retention", clock);
        this.repository = Repository.initialize(store, TestRepositoryDescriptor.builder().walSegmentSize((int) SEGMENT)
                .created(NOW.minus(Duration.ofDays(60))).build());
    }

    /**
     * A backup on a timeline starting in segment {@code startSegment} and ending in
     * {@code stopSegment} at {@code stopTime}, with two data objects of its own; a non-full
     * backup also reads one object of its parent, as a file-level incremental would.
     */
    void backup(String id, BackupType type, String parent, int timeline, long startSegment, long stopSegment, Instant stopTime) {
        String startLsn = new Lsn(startSegment * SEGMENT + 0x28).toString();
        String stopLsn = new Lsn(stopSegment * SEGMENT + 0x100).toString();
        List<BackupManifest.File> files = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String key = RepositoryLayout.dataObject(id, i);
            store.put(key, BlobContent.of(("data " + id + " " + i).getBytes(StandardCharsets.UTF_8)), PutMode.CREATE_ONLY);
            files.add(new BackupManifest.File("base/1/" + i, 10, "00", 0600, stopTime, key, 0, 10));
        }
        if (parent != null) {
            files.add(new BackupManifest.File("base/1/unchanged", 10, "00", 0600, stopTime, RepositoryLayout.dataObject(parent, 1), 0, 10));
        }
        repository.backups().write(new BackupManifest(1, id, type, parent, "7441", 15, "15.18", (int) SEGMENT, timeline,
                startLsn, stopLsn, segmentName(timeline, startSegment), segmentName(timeline, stopSegment),
                stopTime.minusSeconds(60), stopTime, 700, "START TIMELINE: " + timeline, null,
                new BackupManifest.Totals(files.size(), 20, 20, 2), "test", "host", List.of(), List.of(), files));
    }

    /** Cuts a backup's stored manifest to its first half, as a full disk or a killed copy would leave it. */
    void truncateManifest(String id) {
        String key = RepositoryLayout.manifest(id);
        byte[] whole;
        try (var in = store.get(key)) {
            whole = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store.delete(key);
        store.put(key, BlobContent.of(java.util.Arrays.copyOf(whole, whole.length / 2)), PutMode.CREATE_ONLY);
    }

    /** Archived segments numbered {@code first} or above, with their content. */
    java.util.Map<String, String> walFrom(long first) {
        java.util.Map<String, String> wal = contents("wal/");
        wal.keySet().removeIf(k -> {
            String name = k.substring(k.lastIndexOf('/') + 1);
            return !name.matches("[0-9A-F]{24}.*") || Long.parseLong(name.substring(16, 24), 16) < first;
        });
        return wal;
    }

    /** Every object under a prefix with its content, to compare before and after. */
    java.util.Map<String, String> contents(String prefix) {
        java.util.Map<String, String> all = new java.util.TreeMap<>();
        try (var listed = store.list(prefix)) {
            for (var blob : listed.toList()) {
                try (var in = store.get(blob.key())) {
                    all.put(blob.key(), ObjectCodec.sha256(in.readAllBytes()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** Segments first..last on a timeline; segment s has a transaction ending at {@code firstTime + (s-first) * step}. */
    void segments(int timeline, long first, long last, Instant firstTime, Duration step) {
        for (long s = first; s <= last; s++) {
            Instant t = firstTime.plus(step.multipliedBy(s - first));
            String name = segmentName(timeline, s);
            push(name, "segment " + name, new WalSummary(t, t, 1, 700L + s, 700L + s, List.of(),
                    new Lsn(s * SEGMENT + SEGMENT - 8).toString()));
        }
    }

    void history(int timeline, String text) {
        push(String.format("%08X.history", timeline), text, null);
    }

    /** Data of a backup that never got a manifest, stamped with the clock's time. */
    void orphan(String id, Instant at) {
        Instant was = clock.now;
        clock.now = at;
        store.put(RepositoryLayout.dataObject(id, 1), BlobContent.of(new byte[]{1, 2, 3}), PutMode.CREATE_ONLY);
        clock.now = was;
    }

    private void push(String name, String content, WalSummary summary) {
        try {
            Path file = temp.resolve(name);
            Files.writeString(file, content, StandardCharsets.UTF_8);
            repository.wal().push(name, file, ObjectCodec.sha256(file), summary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String segmentName(int timeline, long segment) {
        return String.format("%08X%08X%08X", timeline, segment >>> 8, segment & 0xFF);
    }

    static Instant daysAgo(double days) {
        return NOW.minusSeconds((long) (days * 86400));
    }
}
