package dev.lifeboat.core.jobs;

import dev.lifeboat.core.jobs.JobRunLog.History;
import dev.lifeboat.core.jobs.JobRunLog.Latest;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.BlobInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Reads what the job log knows: the runs of one job, or the latest state of every job. */
final class JobHistories {

    private final JobRunStore objects;

    JobHistories(JobRunStore objects) {
        this.objects = objects;
    }

    History history(String job) {
        List<JobRun> finished = new ArrayList<>();
        List<JobRun> running = new ArrayList<>();
        for (String key : objects.keys(job, "")) {
            if (key.endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)) {
                objects.read(key).ifPresent(finished::add);
            } else if (key.endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)) {
                objects.read(key).ifPresent(running::add);
            }
        }
        return new History(job, finished, running);
    }

    /** Reads only the newest records of each job (back to its last success), so it stays cheap on a remote store. */
    Map<String, Latest> latestOfEach() {
        Map<String, List<String>> records = new TreeMap<>();
        Map<String, List<String>> markers = new TreeMap<>();
        try (Stream<BlobInfo> blobs = objects.listAll()) {
            blobs.forEach(b -> {
                String rest = b.key().substring(RepositoryLayout.JOBS_PREFIX.length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    return;
                }
                String job = rest.substring(0, slash);
                if (b.key().endsWith(RepositoryLayout.JOB_RECORD_SUFFIX)) {
                    records.computeIfAbsent(job, j -> new ArrayList<>()).add(b.key());
                } else if (b.key().endsWith(RepositoryLayout.JOB_RUNNING_SUFFIX)) {
                    markers.computeIfAbsent(job, j -> new ArrayList<>()).add(b.key());
                }
            });
        }
        TreeSet<String> jobs = new TreeSet<>(records.keySet());
        jobs.addAll(markers.keySet());
        Map<String, Latest> latest = new TreeMap<>();
        for (String job : jobs) {
            List<String> keys = records.getOrDefault(job, List.of());
            JobRun last = null;
            JobRun lastSuccess = null;
            for (int i = keys.size() - 1; i >= 0 && lastSuccess == null; i--) {
                Optional<JobRun> run = objects.read(keys.get(i));
                if (run.isPresent()) {
                    last = last == null ? run.get() : last;
                    lastSuccess = run.get().outcome() == JobRun.Outcome.SUCCEEDED ? run.get() : null;
                }
            }
            List<String> open = markers.getOrDefault(job, List.of());
            JobRun running = open.isEmpty() ? null : objects.read(open.get(open.size() - 1)).orElse(null);
            if (last != null || running != null) {
                latest.put(job, new Latest(job, last, lastSuccess, running, keys.size()));
            }
        }
        return latest;
    }
}
