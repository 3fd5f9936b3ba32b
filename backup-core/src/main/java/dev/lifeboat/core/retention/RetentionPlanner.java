package dev.lifeboat.core.retention;

import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.ReadLeaseHolder;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupId;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.core.wal.TimelineHistory;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.storage.BlobInfo;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Decides what a retention policy keeps. Every rule only adds to the kept set; then the set
 * is closed under "builds on" (a kept diff or incr keeps its whole chain back to its full).
 * WAL goes only below the oldest segment any kept backup starts in: the PITR base is a kept
 * backup, so the window's WAL lies above that point on every timeline, and so does the WAL
 * each kept backup needs to become consistent. Backups are ordered by timeline, stop LSN and
 * stop time as recorded in their manifests, never by name. A backup a live restore or drill
 * is reading (a read lease names it) is kept like any other.
 */
public final class RetentionPlanner {

    private final Repository repository;
    private final KnownGoodBackups knownGood;
    private final Clock clock;

    public RetentionPlanner(Repository repository, KnownGoodBackups knownGood, Clock clock) {
        this.repository = repository;
        this.knownGood = knownGood;
        this.clock = clock;
    }

    public RetentionPlan plan(RetentionPolicy policy) {
        return plan(policy, List.of());
    }

    /**
     * As above, keeping also every backup a live restore or drill reads (with the chain it
     * builds on and, as for every kept backup, the WAL from its start).
     */
    public RetentionPlan plan(RetentionPolicy policy, List<ReadLeaseHolder> readers) {
        policy.validated();
        Instant now = clock.instant();
        BackupCatalog.Listing listing = repository.backups().listing();
        List<BackupManifest> backups = listing.intact();
        Map<String, BackupManifest> byId = new HashMap<>();
        backups.forEach(b -> byId.put(b.id(), b));
        Map<String, Set<String>> reasons = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Kept kept = new Kept(byId, reasons);

        if (policy.keepFull() != null) {
            List<BackupManifest> fulls = backups.stream().filter(b -> b.type() == BackupType.FULL).toList();
            List<BackupManifest> keptFulls = fulls.subList(Math.max(0, fulls.size() - policy.keepFull()), fulls.size());
            Set<String> keptFullIds = new LinkedHashSet<>();
            keptFulls.forEach(f -> keptFullIds.add(f.id()));
            for (BackupManifest b : backups) {
                String root = kept.root(b);
                if (root != null && keptFullIds.contains(root)) {
                    kept.add(b.id(), b.type() == BackupType.FULL ? "one of the newest " + policy.keepFull() + " full backups"
                            : "builds on kept full backup " + root);
                }
            }
        }
        if (policy.keepWithin() != null) {
            Instant since = now.minus(policy.keepWithin());
            for (BackupManifest b : backups) {
                if (!b.stopTime().isBefore(since)) {
                    kept.add(b.id(), "ended within the last " + DurationText.format(policy.keepWithin()));
                }
            }
        }

        boolean walUnknown = false;
        WalInventory wal = WalInventory.load(repository);
        if (policy.pitrWindow() != null && !backups.isEmpty()) {
            Instant windowStart = now.minus(policy.pitrWindow());
            try {
                int maxBackupTimeline = backups.stream().mapToInt(BackupManifest::timeline).max().orElse(1);
                TimelineHistory history = wal.history(wal.latestTimeline(maxBackupTimeline));
                List<BackupManifest> onPath = backups.stream().filter(b -> onPath(b, history)).toList();
                BackupManifest base = null;
                for (BackupManifest b : onPath) {
                    if (!b.stopTime().isAfter(windowStart)) {
                        base = b;
                    }
                }
                if (base == null && !onPath.isEmpty()) {
                    base = onPath.get(0);
                    notes.add("no backup ended before the point-in-time window opens (" + windowStart
                            + "); the window reaches back only to the end of " + base.id());
                }
                if (base != null) {
                    kept.add(base.id(), "base of the " + DurationText.format(policy.pitrWindow()) + " point-in-time window (timeline "
                            + history.timeline() + ")");
                } else {
                    notes.add("no backup lies on the path to timeline " + history.timeline() + ": the point-in-time window cannot be kept");
                }
            } catch (LifeboatException e) {
                walUnknown = true; // without the timeline's history the window's path is unknown: remove no WAL
                notes.add("WAL is kept whole: " + e.getMessage());
            }
        }
        if (!backups.isEmpty()) {
            kept.add(backups.get(backups.size() - 1).id(), "newest backup");
        }
        for (String id : knownGood.newestFirst()) {
            if (byId.containsKey(id)) {
                kept.add(id, "newest known-good backup");
                break;
            }
        }
        boolean walFloorUnknown = keepWhatDamagedBackupsMayNeed(listing, kept, notes);
        Set<String> damagedIds = new HashSet<>();
        listing.damaged().forEach(d -> damagedIds.add(d.id()));
        boolean readingUnlisted = false;
        for (ReadLeaseHolder reader : readers) {
            if (byId.containsKey(reader.backupId())) {
                kept.add(reader.backupId(), "being read by " + reader.describe());
            } else if (!damagedIds.contains(reader.backupId())) {
                // An expire removed its manifest while it was read (or it is about to fail with "no backup"):
                // its data is now orphaned, and its chain and WAL cannot be told from manifests.
                readingUnlisted = true;
                notes.add("WAL and orphaned data are kept while " + reader.describe() + " reads backup " + reader.backupId()
                        + ", which has no manifest any more");
            }
        }
        walFloorUnknown |= readingUnlisted;

        List<RetentionPlan.BackupDecision> decisions = new ArrayList<>();
        for (BackupManifest b : backups) {
            Set<String> why = reasons.get(b.id());
            decisions.add(new RetentionPlan.BackupDecision(b.id(), b.type().jsonName(), b.parent(), b.timeline(), b.stopLsn(),
                    b.stopTime(), why != null, why == null ? List.of() : List.copyOf(why)));
            if (b.parent() != null && !byId.containsKey(b.parent())) {
                notes.add("backup " + b.id() + " builds on " + b.parent() + ", which is not in the repository: it cannot be restored");
            }
        }
        for (DamagedBackup d : listing.damaged()) {
            decisions.add(position(decisions, d.id()), damagedDecision(d));
        }

        String walKeptFrom = null;
        List<ArchivedWal> walToRemove = new ArrayList<>();
        if (!walUnknown && !walFloorUnknown && !reasons.isEmpty()) {
            // Damaged backups whose manifest still tells where they start hold the WAL from there.
            BackupManifest oldestStart = Stream.concat(reasons.keySet().stream().map(byId::get),
                            listing.damaged().stream().map(DamagedBackup::head).filter(Objects::nonNull))
                    .min(Comparator.comparing((BackupManifest b) -> Lsn.parse(b.startLsn()))).orElseThrow();
            long low = wal.segmentOf(Lsn.parse(oldestStart.startLsn()));
            walKeptFrom = wal.segmentName(oldestStart.timeline(), low);
            walToRemove = walBelow(low);
            if (walToRemove.isEmpty()) {
                walKeptFrom = null;
            }
        }
        Set<String> listed = new HashSet<>(byId.keySet());
        listing.damaged().forEach(d -> listed.add(d.id()));
        return new RetentionPlan(policy.describe(), now, decisions, walKeptFrom, walToRemove,
                readingUnlisted ? List.of() : orphans(listed, now, policy), notes);
    }

    /**
     * Expire deletes nothing on the strength of a manifest it could not read. A damaged
     * backup is never expired, and neither are its data objects (excluded from orphans). One
     * whose manifest is unreadable may build on any earlier backup and need WAL from its own
     * unknown start: the newest intact backup that started before it is kept with its chain
     * (an incr builds on the newest backup, a diff on the newest full, which is in that
     * chain), which also keeps WAL from that backup's start on, below the damaged one's. When
     * no intact backup started before it, no WAL can be judged unneeded.
     *
     * @return whether WAL must be kept whole
     */
    private static boolean keepWhatDamagedBackupsMayNeed(BackupCatalog.Listing listing, Kept kept, List<String> notes) {
        boolean walWhole = false;
        for (DamagedBackup d : listing.damaged()) {
            notes.add("backup " + d.id() + " is damaged (" + d.reason() + "): it was left alone, with its data and the WAL it may need");
            if (!d.manifestUnreadable()) {
                continue;
            }
            Instant started = BackupId.startOf(d.id());
            BackupManifest before = null;
            for (BackupManifest b : listing.intact()) {
                if (started != null && b.startTime() != null && b.startTime().isBefore(started)
                        && (before == null || b.startTime().isAfter(before.startTime()))) {
                    before = b;
                }
            }
            if (before == null) {
                walWhole = true;
                notes.add("WAL is kept whole: no readable backup started before damaged backup " + d.id());
            } else {
                kept.add(before.id(), "newest backup before damaged " + d.id() + ", which may build on it and need WAL from here");
            }
        }
        return walWhole;
    }

    private static RetentionPlan.BackupDecision damagedDecision(DamagedBackup d) {
        BackupManifest m = d.head();
        String reason = "DAMAGED (" + d.reason() + "): left alone";
        if (m == null) {
            BackupType type = BackupType.ofSuffix(d.id().charAt(d.id().length() - 1));
            return new RetentionPlan.BackupDecision(d.id(), type == null ? "?" : type.jsonName(), null, 0, null, null, true, List.of(reason));
        }
        return new RetentionPlan.BackupDecision(m.id(), m.type().jsonName(), m.parent(), m.timeline(), m.stopLsn(), m.stopTime(), true,
                List.of(reason));
    }

    /** Before the first decision with a later id, so that the list stays in start order around it. */
    private static int position(List<RetentionPlan.BackupDecision> decisions, String id) {
        for (int i = 0; i < decisions.size(); i++) {
            if (decisions.get(i).id().compareTo(id) > 0) {
                return i;
            }
        }
        return decisions.size();
    }

    /** The backups kept so far with their reasons; adding one adds the chain it builds on. */
    private record Kept(Map<String, BackupManifest> byId, Map<String, Set<String>> reasons) {
        void add(String id, String reason) {
            reasons.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(reason);
            String child = id;
            String parent = byId.get(id).parent();
            Set<String> seen = new LinkedHashSet<>();
            while (parent != null && byId.containsKey(parent) && seen.add(parent)) {
                reasons.computeIfAbsent(parent, k -> new LinkedHashSet<>()).add("needed by " + child);
                child = parent;
                parent = byId.get(parent).parent();
            }
        }

        /** The full backup a chain starts from, or null when the chain is broken. */
        String root(BackupManifest b) {
            BackupManifest at = b;
            Set<String> seen = new LinkedHashSet<>();
            while (at.type() != BackupType.FULL) {
                if (at.parent() == null || !byId.containsKey(at.parent()) || !seen.add(at.parent())) {
                    return null;
                }
                at = byId.get(at.parent());
            }
            return at.id();
        }
    }

    private List<ArchivedWal> walBelow(long lowSegment) {
        WalSegmentSize size = new WalSegmentSize(repository.descriptor().walSegmentSize());
        TreeMap<String, ArchivedWal> below = new TreeMap<>();
        try (Stream<ArchivedWal> all = repository.wal().list(null)) {
            all.forEach(w -> {
                String name = w.fileName();
                if (name.endsWith(".history")) {
                    return; // tiny, and every later timeline's path is read from them
                }
                long segment = WalSegmentName.parse(name.substring(0, 24), size).segmentNumber();
                if (segment < lowSegment) {
                    // Oldest first: an interrupted expire leaves the archive without a hole.
                    below.put(String.format("%016X", segment) + name.substring(0, 8) + name, w);
                }
            });
        }
        return new ArrayList<>(below.values());
    }

    private List<RetentionPlan.Orphan> orphans(Set<String> listed, Instant now, RetentionPolicy policy) {
        Map<String, long[]> sizes = new TreeMap<>();
        Map<String, Instant> newest = new HashMap<>();
        try (Stream<BlobInfo> data = repository.store().list(RepositoryLayout.DATA_PREFIX)) {
            data.forEach(blob -> {
                String id = RepositoryLayout.backupIdOfDataObject(blob.key());
                if (id == null || listed.contains(id)) {
                    return;
                }
                long[] s = sizes.computeIfAbsent(id, k -> new long[2]);
                s[0]++;
                s[1] += blob.size();
                Instant t = blob.lastModified() == null ? Instant.EPOCH : blob.lastModified();
                newest.merge(id, t, (a, b) -> a.isAfter(b) ? a : b);
            });
        }
        Instant before = now.minus(policy.orphanAge());
        List<RetentionPlan.Orphan> orphans = new ArrayList<>();
        sizes.forEach((id, s) -> {
            // A backup under way has fresh objects and no manifest yet: only old leftovers go.
            if (newest.get(id).isBefore(before) || newest.get(id).equals(before)) {
                orphans.add(new RetentionPlan.Orphan(id, s[0], s[1], newest.get(id)));
            }
        });
        return orphans;
    }

    static boolean onPath(BackupManifest backup, TimelineHistory history) {
        if (!history.includes(backup.timeline())) {
            return false;
        }
        Lsn end = history.endOf(backup.timeline());
        return end == null || Lsn.parse(backup.stopLsn()).compareTo(end) <= 0;
    }
}
