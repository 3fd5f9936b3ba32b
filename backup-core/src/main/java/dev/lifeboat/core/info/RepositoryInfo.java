package dev.lifeboat.core.info;

import dev.lifeboat.core.repo.BackupManifest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a repository holds, for `lifeboat info`.
 *
 * @param lastKnownGood the newest backup whose newest drill passed, or null
 */
public record RepositoryInfo(
        String location,
        String systemIdentifier,
        String pgVersion,
        int walSegmentSize,
        String compression,
        List<Backup> backups,
        List<Timeline> wal,
        String lastKnownGood,
        List<Job> jobs,
        RecoveryPoint recoveryPoint) {

    /** A report without the recovery point. */
    public RepositoryInfo(String location, String systemIdentifier, String pgVersion, int walSegmentSize, String compression,
                          List<Backup> backups, List<Timeline> wal, String lastKnownGood, List<Job> jobs) {
        this(location, systemIdentifier, pgVersion, walSegmentSize, compression, backups, wal, lastKnownGood, jobs, null);
    }

    /**
     * How far a restore made now would reach, with the last passing drill's RTO beside it. The RPO
     * itself needs the cluster's side: `lifeboat check --pgdata` measures it.
     *
     * @param timeline               the timeline a restore would follow
     * @param restorableLsn          where the restorable WAL ends
     * @param lastSegment            the last segment a restore replays
     * @param streamed               whether that is the streamed part of a segment
     * @param newestRestorableCommit the newest commit a restore replays, or null when no summary tells
     * @param restorableAgeSeconds   how long ago that commit was
     * @param lastDrillRtoSeconds    the recovery time of the newest passing drill, or null
     */
    public record RecoveryPoint(int timeline, String restorableLsn, String lastSegment, boolean streamed, Instant newestRestorableCommit,
                                Long restorableAgeSeconds, Double lastDrillRtoSeconds) {
    }

    /**
     * @param status  OK, or DAMAGED when it cannot be restored (then {@code problem} says why,
     *                and the fields its manifest would have told are empty when it is unreadable)
     * @param problem why a damaged backup cannot be restored, or null
     * @param drill   the backup's newest drill, or null when it was never drilled
     * @param pageChecksums whether its data pages were checked as they were read and the corrupt
     *                      ones found (null for backups taken before Lifeboat checked pages)
     * @param tablespaces the cluster's tablespaces it holds (empty without any, or when its manifest is unreadable)
     */
    public record Backup(String id, String status, String problem, String type, Integer timeline, Instant startTime,
                         Instant stopTime, String startLsn, String stopLsn, String startWalFile, String stopWalFile, long files,
                         long bytes, long storedBytes, Drill drill, BackupManifest.PageChecksums pageChecksums,
                         List<BackupManifest.Tablespace> tablespaces, Boolean fromStandby) {

        @com.fasterxml.jackson.annotation.JsonCreator
        public Backup {
            tablespaces = tablespaces == null ? List.of() : List.copyOf(tablespaces);
        }

        /** A backup not known to come from a standby ({@code fromStandby} null: left out of the JSON). */
        public Backup(String id, String status, String problem, String type, Integer timeline, Instant startTime,
                      Instant stopTime, String startLsn, String stopLsn, String startWalFile, String stopWalFile, long files,
                      long bytes, long storedBytes, Drill drill, BackupManifest.PageChecksums pageChecksums,
                      List<BackupManifest.Tablespace> tablespaces) {
            this(id, status, problem, type, timeline, startTime, stopTime, startLsn, stopLsn, startWalFile, stopWalFile, files,
                    bytes, storedBytes, drill, pageChecksums, tablespaces, null);
        }

        /** A backup without tablespaces whose pages were not checked (or whose manifest cannot tell). */
        public Backup(String id, String status, String problem, String type, Integer timeline, Instant startTime,
                      Instant stopTime, String startLsn, String stopLsn, String startWalFile, String stopWalFile, long files,
                      long bytes, long storedBytes, Drill drill) {
            this(id, status, problem, type, timeline, startTime, stopTime, startLsn, stopLsn, startWalFile, stopWalFile, files,
                    bytes, storedBytes, drill, null, List.of(), null);
        }

        /** The relation files with corrupt pages the backup holds (empty when none or not checked). */
        public List<BackupManifest.CorruptPages> corruptPages() {
            return pageChecksums == null || pageChecksums.corrupt() == null ? List.of() : pageChecksums.corrupt();
        }

        public static final String OK = "OK";
        public static final String DAMAGED = "DAMAGED";
    }

    /**
     * The verdict of a backup's newest drill.
     *
     * @param rto measured time from the start of the restore until the instance took a write
     */
    public record Drill(String id, String verdict, Instant at, Duration rto, String failure) {
    }

    /**
     * The WAL archived on one timeline.
     *
     * @param parent          the timeline it branched from (from its history file), or null
     * @param gaps            missing stretches, each "first..last" missing segment names
     * @param streamedSegment the newest segment whose streamed part is stored (not yet archived whole), or null
     */
    public record Timeline(int timeline, Integer parent, String branchLsn, String firstSegment, String lastSegment,
                           long segments, List<String> gaps, Instant lastArchivedAt, String streamedSegment,
                           Instant streamedAt) {
    }

    /**
     * The last recorded run of a job (scheduled, or expire run by hand).
     *
     * @param runningSince start of a run still marked as under way, or null
     */
    public record Job(String name, String kind, String lastOutcome, Instant lastStart, Instant lastEnd, String lastSummary,
                      String lastError, Instant lastSuccess, Instant runningSince, int runsRecorded) {
    }
}
