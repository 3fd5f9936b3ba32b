package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What WAL a repository holds, by timeline: the segments present, the timeline histories,
 * and therefore how far recovery along a timeline's path can get before it meets a gap.
 */
public final class WalInventory {

    private final Repository repository;
    private final WalSegmentSize segmentSize;
    private final Map<Integer, NavigableMap<Long, ArchivedWal>> segments = new TreeMap<>();
    private final Map<Integer, ArchivedWal> histories = new TreeMap<>();
    private final Map<Integer, TimelineHistory> parsedHistories = new TreeMap<>();

    private WalInventory(Repository repository) {
        this.repository = repository;
        this.segmentSize = new WalSegmentSize(repository.descriptor().walSegmentSize());
    }

    public static WalInventory load(Repository repository) {
        WalInventory inventory = new WalInventory(repository);
        try (Stream<ArchivedWal> all = repository.wal().list(null)) {
            all.forEach(inventory::add);
        }
        return inventory;
    }

    private void add(ArchivedWal wal) {
        String name = wal.fileName();
        int timeline = Integer.parseInt(name.substring(0, 8), 16);
        if (name.endsWith(".history")) {
            histories.put(timeline, wal);
        } else if (name.length() == 24) {
            segments.computeIfAbsent(timeline, t -> new TreeMap<>()).put(segmentNumber(name), wal);
        }
    }

    public long segmentNumber(String segmentName) {
        return WalSegmentName.parse(segmentName, segmentSize).segmentNumber();
    }

    public String segmentName(int timeline, long segmentNumber) {
        return WalSegmentName.of(timeline, segmentNumber, segmentSize).fileName();
    }

    public long segmentOf(Lsn lsn) {
        return lsn.segmentNumber(segmentSize);
    }

    public Lsn startOf(long segmentNumber) {
        return Lsn.ofSegmentStart(segmentNumber, segmentSize);
    }

    /** Timelines that have segments or a history file, ascending. */
    public List<Integer> timelines() {
        TreeMap<Integer, Boolean> all = new TreeMap<>();
        segments.keySet().forEach(t -> all.put(t, true));
        histories.keySet().forEach(t -> all.put(t, true));
        return new ArrayList<>(all.keySet());
    }

    /** The newest timeline, as recovery_target_timeline = 'latest' would pick it. */
    public int latestTimeline(int atLeast) {
        int latest = atLeast;
        for (int t : timelines()) {
            latest = Math.max(latest, t);
        }
        return latest;
    }

    public NavigableMap<Long, ArchivedWal> segments(int timeline) {
        return segments.getOrDefault(timeline, new TreeMap<>());
    }

    public Optional<ArchivedWal> historyFile(int timeline) {
        return Optional.ofNullable(histories.get(timeline));
    }

    /** The history of a timeline (fetched from the repository), or a root history for timeline 1. */
    public TimelineHistory history(int timeline) {
        TimelineHistory cached = parsedHistories.get(timeline);
        if (cached != null) {
            return cached;
        }
        ArchivedWal file = histories.get(timeline);
        TimelineHistory history;
        if (file == null) {
            if (timeline != 1) {
                throw new LifeboatException(ErrorCode.TARGET, "timeline " + timeline + " has no history file in "
                        + repository.location(), "archive " + String.format("%08X", timeline) + ".history, or choose another timeline");
            }
            history = TimelineHistory.root(1);
        } else {
            history = TimelineHistory.parse(timeline, readText(file));
        }
        parsedHistories.put(timeline, history);
        return history;
    }

    private String readText(ArchivedWal file) {
        try {
            Path temp = Files.createTempFile("lifeboat-history", ".tmp");
            try {
                repository.wal().fetch(file, temp);
                return Files.readString(temp, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (java.io.IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot read " + file.fileName() + ": " + LocalFileProblem.reason(e), null, e);
        }
    }

    /**
     * The segment recovery would read for {@code segmentNumber} on the path to a timeline:
     * the newest timeline of the path that had begun by then, had not yet been left, and has
     * the segment, as PostgreSQL's own search does.
     */
    public Optional<ArchivedWal> segmentOnPath(TimelineHistory target, long segmentNumber) {
        List<TimelineHistory.Stretch> path = target.path();
        for (int i = path.size() - 1; i >= 0; i--) {
            TimelineHistory.Stretch stretch = path.get(i);
            if (segmentOf(stretch.begin()) > segmentNumber) {
                continue;
            }
            // A parent timeline supplies segments only up to the one holding its last byte before the switch.
            if (stretch.end() != null && segmentNumber > segmentOf(stretch.end().minus(1))) {
                continue;
            }
            ArchivedWal found = segments(stretch.timeline()).get(segmentNumber);
            if (found != null) {
                return Optional.of(found);
            }
        }
        return Optional.empty();
    }

    /** How far the archive reaches without a gap from a segment, along a timeline's path. */
    public record Reach(long firstSegment, long endSegment, Long nextAfterGap) {
        /** True when segments exist beyond the first missing one: recovery would stop early. */
        public boolean hasGap() {
            return nextAfterGap != null;
        }
    }

    public Reach reach(TimelineHistory target, long fromSegment) {
        long s = fromSegment;
        while (segmentOnPath(target, s).isPresent()) {
            s++;
        }
        Long after = null;
        for (TimelineHistory.Stretch stretch : target.path()) {
            long begin = segmentOf(stretch.begin());
            long end = stretch.end() == null ? Long.MAX_VALUE : segmentOf(stretch.end());
            Long next = segments(stretch.timeline()).ceilingKey(Math.max(s + 1, begin));
            if (next != null && next >= begin && next <= end && (after == null || next < after)) {
                after = next;
            }
        }
        return new Reach(fromSegment, s, after);
    }

    /** Every gap in one timeline's own segments: [first missing, next present) pairs. */
    public List<long[]> gaps(int timeline) {
        List<long[]> gaps = new ArrayList<>();
        Long previous = null;
        for (long s : segments(timeline).keySet()) {
            if (previous != null && s > previous + 1) {
                gaps.add(new long[]{previous + 1, s});
            }
            previous = s;
        }
        return gaps;
    }
}
