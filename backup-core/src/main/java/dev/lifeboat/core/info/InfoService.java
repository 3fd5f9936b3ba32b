package dev.lifeboat.core.info;

import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.check.RecoveryStatus;
import dev.lifeboat.core.check.RestorableEnd;
import dev.lifeboat.core.archive.WalInventory;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.BackupCatalog;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.DamagedBackup;
import dev.lifeboat.core.repo.DrillCatalog;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.wal.TimelineHistory;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** Reads a repository's catalog and WAL archive into a report; writes nothing. */
public final class InfoService {

    private final Repository repository;

    public InfoService(Repository repository) {
        this.repository = repository;
    }

    public RepositoryInfo run() {
        RepositoryDescriptor d = repository.descriptor();
        List<RepositoryInfo.Backup> backups = new ArrayList<>();
        Map<String, DrillRecord> verdicts = repository.drills().latestVerdicts();
        BackupCatalog.Listing listing = repository.backups().listing();
        List<BackupManifest> manifests = listing.intact();
        String lastKnownGood = DrillCatalog.newestKnownGood(manifests, verdicts).map(k -> k.backup().id()).orElse(null);
        for (BackupManifest m : manifests) {
            BackupManifest.Totals t = m.totals();
            DrillRecord drill = verdicts.get(m.id());
            backups.add(new RepositoryInfo.Backup(m.id(), RepositoryInfo.Backup.OK, null, m.type().jsonName(), m.timeline(),
                    m.startTime(), m.stopTime(), m.startLsn(), m.stopLsn(), m.startWalFile(), m.stopWalFile(),
                    t == null ? 0 : t.files(), t == null ? 0 : t.bytes(), t == null ? 0 : t.storedBytes(),
                    drill == null ? null : new RepositoryInfo.Drill(drill.id(), drill.verdict().jsonName(), drill.startedAt(),
                            drill.timings() == null ? null : drill.timings().rto(), drill.failure()),
                    m.pageChecksums(), m.tablespaceList(), m.fromStandby()));
        }
        for (DamagedBackup damaged : listing.damaged()) {
            backups.add(positionByStart(backups, damaged.id()), damaged(damaged));
        }
        WalInventory wal = WalInventory.load(repository);
        List<StreamedWal.Streamed> streamed = StreamedWal.of(repository).list();
        List<RepositoryInfo.Timeline> timelines = new ArrayList<>();
        for (int tli : wal.timelines()) {
            NavigableMap<Long, ArchivedWal> segments = wal.segments(tli);
            Integer parent = null;
            String branch = null;
            if (wal.historyFile(tli).isPresent()) {
                TimelineHistory history = wal.history(tli);
                if (!history.switches().isEmpty()) {
                    TimelineHistory.Switch last = history.switches().get(history.switches().size() - 1);
                    parent = last.parent();
                    branch = last.at().toString();
                }
            }
            List<String> gaps = new ArrayList<>();
            for (long[] gap : wal.gaps(tli)) {
                gaps.add(wal.segmentName(tli, gap[0]) + ".." + wal.segmentName(tli, gap[1] - 1));
            }
            Instant lastArchived = segments.values().stream().map(ArchivedWal::archivedAt)
                    .filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
            String timelineHex = String.format("%08X", tli);
            StreamedWal.Streamed newestStreamed = streamed.stream().filter(st -> st.segment().startsWith(timelineHex))
                    .reduce((a, b) -> b).orElse(null);
            timelines.add(new RepositoryInfo.Timeline(tli, parent, branch,
                    segments.isEmpty() ? null : segments.firstEntry().getValue().fileName(),
                    segments.isEmpty() ? null : segments.lastEntry().getValue().fileName(),
                    segments.size(), gaps, lastArchived, newestStreamed == null ? null : newestStreamed.segment(),
                    newestStreamed == null ? null : newestStreamed.storedAt()));
        }
        List<RepositoryInfo.Job> jobs = new ArrayList<>();
        for (JobRunLog.Latest j : new JobRunLog(repository, Clock.systemUTC()).latestOfEach().values()) {
            JobRun last = j.last();
            JobRun any = last != null ? last : j.running();
            jobs.add(new RepositoryInfo.Job(j.job(), any.kind(),
                    last == null || last.outcome() == null ? null : last.outcome().name().toLowerCase(java.util.Locale.ROOT),
                    last == null ? null : last.startTime(), last == null ? null : last.endTime(),
                    last == null ? null : last.summary(), last == null ? null : last.error(),
                    j.lastSuccess() == null ? null : j.lastSuccess().startTime(),
                    j.running() == null ? null : j.running().startTime(), j.recorded()));
        }
        return new RepositoryInfo(repository.location(), d.systemIdentifier(), d.pgVersion(), d.walSegmentSize(),
                d.compression().algorithm() + ":" + d.compression().level(), backups, timelines, lastKnownGood, jobs,
                recoveryPoint(wal, manifests, verdicts));
    }

    private RepositoryInfo.RecoveryPoint recoveryPoint(WalInventory wal, List<BackupManifest> manifests, Map<String, DrillRecord> verdicts) {
        Instant now = Instant.now();
        Double rto = RecoveryStatus.lastPassedDrillRtoSeconds(verdicts);
        return RestorableEnd.find(repository, wal, manifests).map(end -> new RepositoryInfo.RecoveryPoint(end.timeline(), end.lsn().toString(),
                end.lastSegment(), end.streamed(), end.newestCommit(),
                end.newestCommit() == null ? null : Math.max(0, java.time.Duration.between(end.newestCommit(), now).toSeconds()), rto))
                .orElse(null);
    }

    /** What is known of a damaged backup: everything, when only its chain is broken; its id, when its manifest is unreadable. */
    private static RepositoryInfo.Backup damaged(DamagedBackup d) {
        BackupManifest m = d.head();
        if (m == null) {
            BackupType type = BackupType.ofSuffix(d.id().charAt(d.id().length() - 1));
            return new RepositoryInfo.Backup(d.id(), RepositoryInfo.Backup.DAMAGED, d.reason(), type == null ? null : type.jsonName(),
                    null, null, null, null, null, null, null, 0, 0, 0, null);
        }
        BackupManifest.Totals t = m.totals();
        return new RepositoryInfo.Backup(m.id(), RepositoryInfo.Backup.DAMAGED, d.reason(), m.type().jsonName(), m.timeline(),
                m.startTime(), m.stopTime(), m.startLsn(), m.stopLsn(), m.startWalFile(), m.stopWalFile(),
                t == null ? 0 : t.files(), t == null ? 0 : t.bytes(), t == null ? 0 : t.storedBytes(), null, m.pageChecksums(), m.tablespaceList());
    }

    /** Before the first backup with a later id: ids start with the start time, so the list stays in time order. */
    private static int positionByStart(List<RepositoryInfo.Backup> backups, String id) {
        for (int i = 0; i < backups.size(); i++) {
            if (backups.get(i).id().compareTo(id) > 0) {
                return i;
            }
        }
        return backups.size();
    }
}
