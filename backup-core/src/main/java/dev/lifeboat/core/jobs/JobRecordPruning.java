package dev.lifeboat.core.jobs;

import dev.lifeboat.core.repo.RepositoryLayout;

import java.util.List;

/** Keeps the newest records and due-time claims of a job, so its history stays cheap to read. */
final class JobRecordPruning {

    /** Records kept per job; older ones are removed as new ones are written. */
    static final int KEPT_PER_JOB = 200;

    private final JobRunStore objects;

    JobRecordPruning(JobRunStore objects) {
        this.objects = objects;
    }

    void prune(String job) {
        List<String> keys = objects.keys(job, ""); // one listing for both kinds
        List<String> records = keys.stream().filter(k -> k.endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)).toList();
        List<String> claims = keys.stream().filter(k -> k.endsWith(RepositoryLayout.JOB_CLAIM_SUFFIX)).toList();
        for (int i = 0; i < records.size() - KEPT_PER_JOB; i++) {
            objects.delete(records.get(i));
        }
        // claims sort by due time: a duplicate fire comes within minutes, so the newest ones suffice
        for (int i = 0; i < claims.size() - KEPT_PER_JOB; i++) {
            objects.delete(claims.get(i));
        }
    }
}
