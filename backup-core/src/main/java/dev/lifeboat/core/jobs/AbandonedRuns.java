package dev.lifeboat.core.jobs;

import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.storage.StorageException;

import java.util.Optional;

/**
 * A marker left behind is a run whose process died before the run ended: the job's next run
 * records it as ABANDONED (once, whoever gets there first) and removes the marker.
 */
final class AbandonedRuns {

    private final JobRunStore objects;
    private final RunsUnderWay underWay;

    AbandonedRuns(JobRunStore objects, RunsUnderWay underWay) {
        this.objects = objects;
        this.underWay = underWay;
    }

    void recordDeadRuns(String job) {
        for (String marker : objects.keys(job, RepositoryLayout.JOB_RUNNING_SUFFIX)) {
            Optional<JobRun> run = objects.read(marker);
            if (run.isPresent() && underWay.underWay(run.get(), JobRunStore.runKeyOf(marker))) {
                continue; // alive: not ours to close
            }
            if (run.isPresent()) {
                JobRun abandoned = run.get().finished(null, JobRun.Outcome.ABANDONED, null,
                        "the process running it (" + run.get().host() + ", pid " + run.get().pid() + ") stopped before the run ended");
                try {
                    objects.putRecord(JobRunStore.recordKeyOfMarker(marker), abandoned);
                } catch (StorageException e) {
                    if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                        throw e;
                    }
                }
            }
            objects.delete(marker);
        }
    }
}
