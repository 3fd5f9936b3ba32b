package dev.lifeboat.core.jobs;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The job log's objects in a repository: markers of runs under way, records of finished runs and
 * claims of due times, each written once (CREATE_ONLY) as JSON. Keys of one job sort by time.
 */
final class JobRunStore {

    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss.SSS").withZone(ZoneOffset.UTC);

    private final BlobStore store;

    JobRunStore(BlobStore store) {
        this.store = store;
    }

    /** The key of a run's marker and record: its start time, then its id. */
    static String runKey(JobRun run) {
        return KEY_TIME.format(run.startTime()) + "-" + run.runId();
    }

    static String runKeyOf(String markerOrRecordKey) {
        String name = markerOrRecordKey.substring(markerOrRecordKey.lastIndexOf('/') + 1);
        return name.substring(0, name.lastIndexOf('.'));
    }

    static String recordKeyOfMarker(String marker) {
        return marker.substring(0, marker.length() - RepositoryLayout.JOB_RUNNING_SUFFIX.length()) + RepositoryLayout.JOB_RECORD_SUFFIX;
    }

    /** Every object of the job log (all jobs), in key order. */
    Stream<BlobInfo> listAll() {
        return store.list(RepositoryLayout.JOBS_PREFIX);
    }

    /** The keys of one job's objects that end with {@code suffix}, in key order. */
    List<String> keys(String job, String suffix) {
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobPrefix(job))) {
            return blobs.map(BlobInfo::key).filter(k -> k.endsWith(suffix)).toList();
        }
    }

    /** The keys of the claims made on one due time, in attempt order. */
    List<String> claimKeys(String job, Instant due) {
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.jobDuePrefix(job, due))) {
            return blobs.map(BlobInfo::key).filter(k -> k.endsWith(RepositoryLayout.JOB_CLAIM_SUFFIX)).toList();
        }
    }

    void putMarker(JobRun run, String runKey) {
        store.put(RepositoryLayout.jobRunning(run.job(), runKey), BlobContent.of(json(run)), PutMode.CREATE_ONLY);
    }

    void deleteMarker(String job, String runKey) {
        store.delete(RepositoryLayout.jobRunning(job, runKey));
    }

    void putRecord(String key, JobRun run) {
        store.put(key, BlobContent.of(json(run)), PutMode.CREATE_ONLY);
    }

    void putClaim(RunClaim claim) {
        store.put(RepositoryLayout.jobDueClaim(claim.job(), claim.due(), claim.attempt()), BlobContent.of(json(claim)), PutMode.CREATE_ONLY);
    }

    void delete(String key) {
        store.delete(key);
    }

    /** A record is advisory: one finished (or pruned) while we listed, or unreadable, is skipped. */
    Optional<JobRun> read(String key) {
        return Json.readIfPresent(store, key, JobRun.class);
    }

    Optional<RunClaim> readClaim(String key) {
        return Json.readIfPresent(store, key, RunClaim.class);
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot serialise a job record: " + e.getMessage(), null, e);
        }
    }
}
