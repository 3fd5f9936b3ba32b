package dev.lifeboat.core.repo;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Where each kind of object lives in a repository. Every key is built here and nowhere else.
 *
 * <pre>
 * lifeboat.json                                  the descriptor
 * backups/20261125-130501F.manifest              a backup's manifest (zstd JSON), written last
 * data/20261125-130501F/000001.zst               its data objects (single files or packs)
 * wal/00000001/0000000100000000/000000010000000000000003-&lt;sha256&gt;.zst
 * wal/00000002/00000002.history-&lt;sha256&gt;.zst
 * drills/20261125-130501F/20261126-020000.123-4f2a.json.zst   one drill of that backup (zstd JSON)
 * jobs/nightly-full/20261125-020000.123-3f2a9c1b.json a finished run of a scheduled job or of expire
 * jobs/nightly-full/20261125-020000.123-3f2a9c1b.running a run under way (removed when it finishes)
 * jobs/nightly-full/due/20261125-020000.000.00.claim     the claim of the run due then (attempt 00; a recovery takes 01 ...)
 * queue/us/wal/000000010000000000000003-&lt;sha256&gt;   WAL still to copy to the repository named "us" (empty)
 * queue/us/last-attempt                            when a copy to "us" was last tried
 * stream/00000001/000000010000000000000004.zst   the streamed part of a segment not yet archived (replaced as it grows)
 * locks/repository/0000000007.lock              the lease of the backup, expire or replicate working on the repository
 * locks/readers/20261125-130501F.3f2a9c1b.lease  the lease of a restore or drill reading that backup (expire keeps it)
 * quarantine/wal/00000001/.../000000010000000000000003-&lt;sha256&gt;.zst  a WAL object proven not to be the segment its
 *                                                name says, moved aside by wal-push --replace-invalid (never read)
 * </pre>
 */
public final class RepositoryLayout {

    private static final DateTimeFormatter DUE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    public static final String DESCRIPTOR = "lifeboat.json";
    public static final String BACKUPS_PREFIX = "backups/";
    public static final String MANIFEST_SUFFIX = ".manifest";
    public static final String DATA_PREFIX = "data/";
    public static final String WAL_PREFIX = "wal/";
    public static final String DRILLS_PREFIX = "drills/";
    public static final String DRILL_SUFFIX = ".json.zst";
    public static final String JOBS_PREFIX = "jobs/";
    public static final String JOB_RECORD_SUFFIX = ".json";
    public static final String JOB_RUNNING_SUFFIX = ".running";
    public static final String JOB_CLAIM_SUFFIX = ".claim";
    public static final String QUEUE_PREFIX = "queue/";
    public static final String STREAM_PREFIX = "stream/";
    public static final String LOCKS_PREFIX = "locks/";
    public static final String LOCK_SUFFIX = ".lock";
    public static final String READ_LEASES_PREFIX = LOCKS_PREFIX + "readers/";
    public static final String READ_LEASE_SUFFIX = ".lease";
    public static final String QUARANTINE_PREFIX = "quarantine/";

    private RepositoryLayout() {
    }

    public static String manifest(String backupId) {
        return BACKUPS_PREFIX + backupId + MANIFEST_SUFFIX;
    }

    public static String dataPrefix(String backupId) {
        return DATA_PREFIX + backupId + "/";
    }

    public static String dataObject(String backupId, int sequence) {
        return dataPrefix(backupId) + String.format("%06d.zst", sequence);
    }

    /** Where the markers of WAL still to be copied to another repository (by its configured name) live. */
    public static String walQueue(String repositoryName) {
        return QUEUE_PREFIX + repositoryName + "/wal/";
    }

    /** The marker saying that a WAL file (by name and SHA-256) is still to be copied to that repository. */
    public static String walQueueMarker(String repositoryName, String fileName, String sha256) {
        return walQueue(repositoryName) + fileName + "-" + sha256;
    }

    public static String walQueueAttempt(String repositoryName) {
        return QUEUE_PREFIX + repositoryName + "/last-attempt";
    }

    /**
     * The streamed, still growing part of a segment. Its own prefix, and no checksum in the
     * name: it is replaced as WAL arrives, while an archived segment is immutable.
     */
    public static String streamedSegment(String segmentName) {
        return STREAM_PREFIX + segmentName.substring(0, 8) + "/" + segmentName + ".zst";
    }

    /**
     * Where an object moved aside lives: under its own key, so that the quarantined copy says
     * what it was, and outside every prefix that is listed to find backups or WAL.
     */
    public static String quarantined(String key) {
        return QUARANTINE_PREFIX + key;
    }

    /** The segment name of a streamed segment's key, or null. */
    public static String segmentOfStreamed(String key) {
        if (!key.startsWith(STREAM_PREFIX) || !key.endsWith(".zst")) {
            return null;
        }
        String base = key.substring(key.lastIndexOf('/') + 1, key.length() - ".zst".length());
        return base.matches("[0-9A-F]{24}") ? base : null;
    }

    /** The backup id of a manifest key, or null when the key is not a manifest. */
    public static String backupIdOfManifest(String key) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(MANIFEST_SUFFIX)) {
            return null;
        }
        String id = key.substring(BACKUPS_PREFIX.length(), key.length() - MANIFEST_SUFFIX.length());
        return BackupId.isValid(id) ? id : null;
    }

    /** Where the result of one drill of a backup lives; one object per drill, never rewritten. */
    public static String drill(String backupId, String drillId) {
        return drillPrefix(backupId) + drillId + DRILL_SUFFIX;
    }

    public static String drillPrefix(String backupId) {
        return DRILLS_PREFIX + backupId + "/";
    }

    /** The backup id of a drill result key, or null when the key is not one. */
    public static String backupIdOfDrill(String key) {
        if (!key.startsWith(DRILLS_PREFIX) || !key.endsWith(DRILL_SUFFIX)) {
            return null;
        }
        String rest = key.substring(DRILLS_PREFIX.length(), key.length() - DRILL_SUFFIX.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String backupId = rest.substring(0, slash);
        return BackupId.isValid(backupId) && DrillRecord.isValidId(rest.substring(slash + 1)) ? backupId : null;
    }

    /** Where the runs of one job are recorded. */
    public static String jobPrefix(String jobName) {
        return JOBS_PREFIX + jobName + "/";
    }

    /** The record of a finished run; {@code runKey} sorts by start time. */
    public static String jobRecord(String jobName, String runKey) {
        return jobPrefix(jobName) + runKey + JOB_RECORD_SUFFIX;
    }

    /** The marker of a run under way. */
    public static String jobRunning(String jobName, String runKey) {
        return jobPrefix(jobName) + runKey + JOB_RUNNING_SUFFIX;
    }

    /** Where the claims of one due time of a job live: one per attempt, in attempt order. */
    public static String jobDuePrefix(String jobName, Instant due) {
        return jobPrefix(jobName) + "due/" + DUE_TIME.format(due) + ".";
    }

    /** The claim of one attempt at the run due at that time (00 the scheduled run, then recovery re-runs). */
    public static String jobDueClaim(String jobName, Instant due, int attempt) {
        return jobDuePrefix(jobName, due) + String.format("%02d", attempt) + JOB_CLAIM_SUFFIX;
    }

    /** Where the generations of one lock live; the highest one is the lock's current state. */
    public static String lockPrefix(String lockName) {
        return LOCKS_PREFIX + lockName + "/";
    }

    /** One generation of a lock: created once (CREATE_ONLY) by the command that takes it. */
    public static String lockGeneration(String lockName, long generation) {
        return lockPrefix(lockName) + String.format("%010d", generation) + LOCK_SUFFIX;
    }

    /** The read lease {@code leaseId} on a backup: created once (CREATE_ONLY) by the reader. */
    public static String readLease(String backupId, String leaseId) {
        return READ_LEASES_PREFIX + backupId + "." + leaseId + READ_LEASE_SUFFIX;
    }

    /** The generation of a lock object's key, or -1 when the key is not one. */
    public static long generationOfLock(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (!key.startsWith(LOCKS_PREFIX) || !name.matches("\\d{10}" + java.util.regex.Pattern.quote(LOCK_SUFFIX))) {
            return -1;
        }
        return Long.parseLong(name.substring(0, 10));
    }

    /** The backup id a data object belongs to, or null when the key is not under data/. */
    public static String backupIdOfDataObject(String key) {
        if (!key.startsWith(DATA_PREFIX)) {
            return null;
        }
        int slash = key.indexOf('/', DATA_PREFIX.length());
        return slash < 0 ? null : key.substring(DATA_PREFIX.length(), slash);
    }
}
