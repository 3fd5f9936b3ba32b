package dev.lifeboat.core.check;

import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;
import dev.lifeboat.core.wal.WalRecordScanner;
import dev.lifeboat.core.wal.WalSegmentSummary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The newest point a restore of the latest timeline can reach, found as the restore planner finds
 * it: the archived WAL without a gap from the oldest backup on the timeline's path, then the
 * streamed part of the next segment, which wal-fetch hands to recovery zero-padded.
 *
 * @param timeline     the timeline a restore would follow
 * @param lsn          where the restorable WAL ends
 * @param newestCommit the newest commit (or abort) in it, by the WAL summaries and a scan of the
 *                     streamed part, or the end of a backup it replays past when that is later (every
 *                     commit before that end is restorable); null when neither tells
 * @param lastSegment  the last segment a restore replays (the streamed one, if any)
 * @param streamed     whether that segment is a streamed part
 */
public record RestorableEnd(int timeline, Lsn lsn, Instant newestCommit, String lastSegment, boolean streamed) {

    /** Summaries read back from the end before giving up on finding a commit time. */
    private static final int MAX_SUMMARIES = 1024;

    /** The restorable end, or empty when the repository holds no WAL a restore could start from. */
    public static Optional<RestorableEnd> find(Repository repository, WalInventory wal, List<BackupManifest> backups) {
        if (wal.timelines().isEmpty()) {
            return Optional.empty();
        }
        int timeline = wal.latestTimeline(backups.stream().mapToInt(BackupManifest::timeline).max().orElse(1));
        TimelineHistory history;
        try {
            history = wal.history(timeline);
        } catch (LifeboatException e) {
            history = TimelineHistory.root(timeline); // check reports the damaged history
        }
        TimelineHistory path = history;
        Optional<Long> from = backups.stream().filter(b -> path.includes(b.timeline()))
                .map(b -> wal.segmentOf(Lsn.parse(b.startLsn()))).min(Long::compare)
                .or(() -> firstSegment(wal, path));
        if (from.isEmpty()) {
            return Optional.empty();
        }
        WalInventory.Reach reach = wal.reach(history, from.get());
        if (reach.endSegment() == from.get()) {
            return Optional.empty(); // the first segment is missing: nothing can be replayed
        }
        ArchivedWal last = wal.segmentOnPath(history, reach.endSegment() - 1).orElseThrow();
        Optional<WalSummary> lastSummary = repository.wal().summary(last);
        Lsn end = lastSummary.map(WalSummary::endLsn).filter(s -> !s.isEmpty()).map(Lsn::parse).orElse(wal.startOf(reach.endSegment()));
        Lsn restorableEnd = end;
        Instant backupEnd = backups.stream().filter(b -> path.includes(b.timeline()) && b.stopTime() != null
                        && !Lsn.parse(b.stopLsn()).isAfter(restorableEnd)).map(BackupManifest::stopTime).max(Instant::compareTo).orElse(null);
        Instant newest = later(newestCommit(repository, wal, history, reach), backupEnd);

        String next = wal.segmentName(timeline, reach.endSegment());
        StreamedWal streamedWal = StreamedWal.of(repository);
        Optional<StreamedWal.Streamed> streamed = streamedWal.find(next);
        if (streamed.isPresent()) {
            try {
                StreamedWal.Header header = streamedWal.header(streamed.get());
                Lsn streamedEnd = Lsn.parse(header.endLsn());
                if (streamedEnd.isAfter(end)) {
                    Instant streamedCommit = scan(streamedWal, streamed.get(), wal.startOf(reach.endSegment()),
                            repository.descriptor().walSegmentSize());
                    return Optional.of(new RestorableEnd(timeline, streamedEnd, later(newest, streamedCommit), next, true));
                }
            } catch (RuntimeException e) {
                // a streamed part that cannot be read is not restorable either: the archive's end stands
            }
        }
        return Optional.of(new RestorableEnd(timeline, end, newest, last.fileName(), false));
    }

    private static Optional<Long> firstSegment(WalInventory wal, TimelineHistory history) {
        return history.path().stream().map(s -> wal.segments(s.timeline())).filter(m -> !m.isEmpty()).map(m -> m.firstKey())
                .min(Long::compare);
    }

    /** Walks summaries back from the archive's end to the first that saw a transaction end (null: unknown). */
    private static Instant newestCommit(Repository repository, WalInventory wal, TimelineHistory history, WalInventory.Reach reach) {
        long stop = Math.max(reach.firstSegment(), reach.endSegment() - MAX_SUMMARIES);
        for (long s = reach.endSegment() - 1; s >= stop; s--) {
            Optional<WalSummary> summary = wal.segmentOnPath(history, s).flatMap(repository.wal()::summary);
            if (summary.isEmpty()) {
                return null; // not summarised: an older commit would understate what is restorable
            }
            if (summary.get().lastTransactionTime() != null) {
                return summary.get().lastTransactionTime();
            }
        }
        return null;
    }

    /** The newest transaction end in a streamed part (streamed parts carry no summary). */
    private static Instant scan(StreamedWal streamedWal, StreamedWal.Streamed streamed, Lsn segmentStart, long segmentSize) {
        Path temp = null;
        try {
            temp = Files.createTempFile("lifeboat-streamed-", ".wal");
            streamedWal.fetch(streamed, temp, segmentSize);
            try (InputStream in = Files.newInputStream(temp)) {
                WalSegmentSummary summary = WalRecordScanner.scan(in, segmentStart);
                return summary.latestTransactionEnd().orElse(null);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a temporary file left in the temp directory
                }
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
