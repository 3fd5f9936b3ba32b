package dev.lifeboat.schedules;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.replicate.ReplicateRequest;
import dev.lifeboat.core.replicate.ReplicateResult;
import dev.lifeboat.core.replicate.ReplicateService;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;

/** A scheduled `lifeboat replicate`: the job's repository copied to the location in its `to` setting. */
final class ReplicateTask {

    private ReplicateTask() {
    }

    record Factory() implements TaskCatalog.Factory {
        @Override
        public void check(JobDefinition job) {
            if (job.setting("to").filter(t -> !t.isBlank()).isEmpty()) {
                throw TaskCatalog.badSetting(job, "no 'to' for the replication", "set 'to' to a directory or store URI");
            }
            try {
                job.setting("jobs").ifPresent(Integer::parseInt);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
            LockWaitSetting.check(job);
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                String to = job.setting("to").orElseThrow();
                int workers = job.setting("jobs").map(Integer::parseInt).orElse(4);
                ReplicateResult result;
                try (BlobStore target = BlobStores.openWithDefaults(to)) {
                    result = new ReplicateService(repository, target, LockWaitSetting.of(job)).run(new ReplicateRequest(workers, ProgressListener.NONE));
                }
                String summary = result.walCopied() + " WAL files and " + result.backupsCopied() + " backups copied to " + result.to();
                if (!result.complete()) {
                    ReplicateResult.Problem first = result.problems().get(0);
                    throw new LifeboatException(first.code(), result.problems().size() + " not copied (" + summary + "); first: "
                            + first.message(), "the next run copies only what is missing");
                }
                return summary;
            };
        }
    }
}
