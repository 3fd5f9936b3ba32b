package dev.lifeboat.core.check;

import dev.lifeboat.core.repo.BackupManifest;

import java.time.Instant;
import java.util.List;

/**
 * What `lifeboat check` found. {@code problems} is empty when everything passed.
 *
 * @param timelines the archived WAL per timeline, from the oldest backup on its path to its newest segment
 * @param health    the newest backup, archived WAL, drill and job results
 * @param cluster   the running cluster's archiving state, when it was asked for (else null)
 * @param warnings  worth reading, but not a failure
 * @param damage    the problems with what is stored (damaged backups, wrong WAL objects, unreadable
 *                  history), also among {@code problems}: monitors count them apart from the limits
 * @param checks    each monitored check's state against its warning and critical thresholds
 *                  (empty until {@link MonitorChecks} has judged the report)
 * @param corruptPages the backups still held that hold pages whose checksum failed in the cluster
 *                     when they were read, newest first (also among {@code warnings})
 * @param rpo       the measured RPO and the newest restorable commit, or null when not measured
 */
public record CheckReport(String location, List<TimelineWal> timelines, Health health, ClusterArchiving cluster, List<String> problems,
                          List<String> warnings, List<String> damage, List<MonitoredCheck> checks,
                          List<BackupCorruptPages> corruptPages, RecoveryPointObjective rpo) {

    /** A report with no backup holding corrupt pages, and without an RPO. */
    public CheckReport(String location, List<TimelineWal> timelines, Health health, ClusterArchiving cluster, List<String> problems,
                       List<String> warnings, List<String> damage, List<MonitoredCheck> checks) {
        this(location, timelines, health, cluster, problems, warnings, damage, checks, List.of(), null);
    }

    /** The same report with its monitored checks. */
    public CheckReport withChecks(List<MonitoredCheck> judged) {
        return new CheckReport(location, timelines, health, cluster, problems, warnings, damage, List.copyOf(judged), corruptPages, rpo);
    }

    /**
     * A backup holding corrupt pages: its copy of them is as corrupt as the cluster's was.
     *
     * @param pages how many pages, over all its files
     * @param files the relation files, each with its blocks
     */
    public record BackupCorruptPages(String backupId, long pages, List<BackupManifest.CorruptPages> files) {
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    /**
     * One timeline's archive.
     *
     * @param from          the first segment checked (the oldest backup's start on this path, else the first archived)
     * @param newest        the newest archived segment of the timeline
     * @param gaps          missing stretches between the two
     * @param streamedUpTo  the newest streamed (not yet archived) segment of the timeline, if any
     * @param streamedAt    when it was last stored
     */
    public record TimelineWal(int timeline, String from, String newest, long segments, List<Gap> gaps, String streamedUpTo,
                              Instant streamedAt) {
    }

    /**
     * Missing segments, first..last, and the backups that cannot be restored past them.
     */
    public record Gap(String firstMissing, String lastMissing, long segments, List<String> backups) {
    }

    /**
     * The cluster's side.
     *
     * @param ready         WAL files PostgreSQL has marked ready and not yet archived
     * @param oldestReady   the oldest of them
     * @param failedCount   pg_stat_archiver.failed_count (null when not connected)
     * @param lastFailedWal pg_stat_archiver.last_failed_wal
     * @param slots         every replication slot, with the WAL it keeps
     * @param connection    why the cluster could not be asked, or null
     * @param failingSince  when the archiver's newest attempt failed, if nothing was archived since (else null)
     */
    public record ClusterArchiving(int ready, String oldestReady, Long failedCount, String lastFailedWal, List<Slot> slots,
                                   String connection, String failingSince) {
    }

    public record Slot(String name, String type, boolean active, String restartLsn, Long retainedBytes, String walStatus) {
    }

    /**
     * Whether backups, archiving, drills and scheduled jobs are keeping up.
     *
     * @param newestBackup  the id of the backup that ended last, or null when there is none
     * @param lastArchived  when the newest WAL file was stored
     * @param lastKnownGood the newest backup whose newest drill passed
     * @param newestDrill   the most recent drill of any backup
     * @param jobs          the last finished run of every recorded job
     * @param lastPassedDrill when the newest passing drill finished, or null
     * @param lastPassedDrillRtoSeconds that drill's recovery time (restore until open for writes), or null
     */
    public record Health(String newestBackup, Instant newestBackupEnded, Instant lastArchived, String lastKnownGood,
                         DrillResult newestDrill, List<JobResult> jobs, Instant lastPassedDrill, Double lastPassedDrillRtoSeconds) {
    }

    public record DrillResult(String id, String backupId, String verdict, Instant finishedAt, String failure) {
    }

    public record JobResult(String job, String kind, String outcome, Instant endedAt, String error) {
    }
}
