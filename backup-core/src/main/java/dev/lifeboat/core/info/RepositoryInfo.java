package dev.lifeboat.core.info;

import java.time.Instant;
import java.util.List;

/** What a repository holds, for `lifeboat info`. */
public record RepositoryInfo(
        String location,
        String systemIdentifier,
        String pgVersion,
        int walSegmentSize,
        String compression,
        List<Backup> backups,
        List<Timeline> wal) {

    public record Backup(String id, String type, int timeline, Instant startTime, Instant stopTime, String startLsn,
                         String stopLsn, String startWalFile, String stopWalFile, long files, long bytes, long storedBytes) {
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
}
