package dev.lifeboat.core.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One repository's history, as {@code lifeboat report} draws it. Times are UTC instants;
 * every list is oldest first.
 *
 * @param name     the configured name ("repo" for --repo)
 * @param error    why the repository could not be read (then every list is empty), or null
 */
public record RepositoryReport(
        String name,
        String location,
        String error,
        List<BackupRun> backups,
        WalArrivals wal,
        List<RecoverableWindow> windows,
        List<ArchiveGap> gaps,
        List<DrillRun> drills,
        List<JobTrack> jobs) {

    /** A repository that could not be read: only its name and why. */
    public static RepositoryReport unavailable(String name, String location, String error) {
        return new RepositoryReport(name, location, error, List.of(), WalArrivals.NONE, List.of(), List.of(), List.of(), List.of());
    }

    /**
     * A backup as its manifest tells it.
     *
     * @param duration from pg_backup_start to the manifest's stop time; null when unknown
     */
    public record BackupRun(String id, String type, String status, Instant start, Instant stop, Duration duration, long bytes,
                            long storedBytes) {
    }

    /**
     * WAL segments archived per hour, and how far archiving fell behind.
     *
     * <p>The repository cannot see the primary's {@code .ready} backlog. It can tell, from each
     * segment's summary, when its last commit was written and when it arrived: the
     * <em>delay</em> is the difference, and the <em>backlog</em> at an arrival is the number of
     * segments whose last commit was already written but which had not yet arrived (that one
     * included): what the archiver had waiting, as far as the archive can tell.
     *
     * @param since            the start of the period shown
     * @param summariesRead    segments whose summary was read (the newest ones, up to a limit)
     * @param summariesSkipped segments in the period whose summary was not read, because of the limit
     * @param largestDelay     the largest delay seen, or null when no segment could be timed
     */
    public record WalArrivals(Instant since, List<WalHour> hours, long segments, int summariesRead, long summariesSkipped,
                              Duration largestDelay, String largestDelaySegment, int largestBacklog, Instant largestBacklogAt) {

        static final WalArrivals NONE = new WalArrivals(null, List.of(), 0, 0, 0, null, null, 0, null);
    }

    /** One hour (by arrival): segments and bytes stored, the largest delay and backlog among them. */
    public record WalHour(Instant hour, int segments, long storedBytes, Duration largestDelay, int largestBacklog) {
    }

    /**
     * A stretch of time a point-in-time restore can reach: from a backup's end to the last
     * commit of the WAL that follows it without a gap.
     *
     * @param until     the last commit in that WAL (its arrival when no commit is summarised)
     * @param endsAt    "gap" when a missing segment stops it, "archive end" when it is simply the newest WAL
     * @param lastSegment the last segment recovery can read
     */
    public record RecoverableWindow(int timeline, Instant from, Instant until, String fromBackup, String lastSegment, String endsAt) {

        public static final String GAP = "gap";
        public static final String ARCHIVE_END = "archive end";
    }

    /** Missing segments, placed in time by the arrivals of the segments on either side. */
    public record ArchiveGap(int timeline, String firstMissing, String lastMissing, Instant after, Instant before) {
    }

    /**
     * One drill of one backup.
     *
     * @param rto the measured recovery time, null when the drill did not get that far
     */
    public record DrillRun(String id, String backupId, String verdict, Instant at, Duration rto, String failure) {
    }

    /** The recorded runs of one job, oldest first. */
    public record JobTrack(String job, String kind, List<JobRunPoint> runs) {
    }

    /** @param outcome succeeded, failed, interrupted, abandoned, or running */
    public record JobRunPoint(Instant start, Duration duration, String outcome, String error) {
    }
}
