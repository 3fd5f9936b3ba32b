package dev.lifeboat.schedules;

import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStores;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The repositories a schedule's jobs work on, each opened as its jobs open it (their store
 * settings and key), and the cluster a backup job of it backs up, if any: what the daemon's
 * metrics read.
 */
public final class ScheduledRepositories {

    /**
     * One repository.
     *
     * @param location as the jobs name it
     * @param open     opens it (the caller closes it)
     * @param cluster  how a backup job of this repository reaches its cluster, or null when no job backs one up
     */
    public record Member(String location, Supplier<Repository> open, ConnectionSettings cluster) {
    }

    private ScheduledRepositories() {
    }

    public static List<Member> of(ScheduleDefinition schedule, Map<String, String> env) {
        Map<String, JobDefinition> first = new LinkedHashMap<>();
        Map<String, ConnectionSettings> clusters = new LinkedHashMap<>();
        for (JobDefinition job : schedule.jobs()) {
            if (job.repository() == null) {
                continue;
            }
            first.putIfAbsent(job.repository(), job);
            if (job.kind() == JobKind.BACKUP && !clusters.containsKey(job.repository())) {
                try {
                    clusters.put(job.repository(), BackupTask.request(job, env).connection());
                } catch (RuntimeException e) {
                    // a job with bad settings fails when it runs; its cluster is simply not asked here
                }
            }
        }
        List<Member> members = new ArrayList<>();
        first.forEach((location, job) -> members.add(new Member(location,
                () -> Repository.open(BlobStores.open(location, JobStorage.settings(job, null)), JobKeys.of(job)), clusters.get(location))));
        return members;
    }
}
