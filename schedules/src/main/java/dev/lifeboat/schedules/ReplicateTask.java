package dev.lifeboat.schedules;

import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.replicate.ReplicateRequest;
import dev.lifeboat.core.replicate.ReplicateResult;
import dev.lifeboat.core.replicate.ReplicateService;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.StoreSettings;

/**
 * A scheduled `lifeboat replicate`: the job's repository copied to the location in its `to`
 * setting, encrypted there with the job's to-key-file / to-passphrase-command when it names one,
 * else with the repository's own key.
 */
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
                request(job, false);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
            LockWaitSetting.check(job);
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return create(job, JobStorage.settings(job, null));
        }

        /** The target is opened with the same settings as the repository: one rate limit covers both. */
        @Override
        public ScheduledTask create(JobDefinition job, StoreSettings stores) {
            return repository -> {
                String to = job.setting("to").orElseThrow();
                ReplicateResult result;
                KeyEncryptionKeySource ownKey = JobKeys.target(job);
                boolean hasOwnKey = ownKey != KeyEncryptionKeySource.none();
                try (BlobStore target = BlobStores.open(to, stores)) {
                    result = new ReplicateService(repository, target, hasOwnKey ? ownKey : repository.keys(), LockWaitSetting.of(job))
                            .run(request(job, hasOwnKey));
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

        /**
         * The job's copy: the command's settings from the job's keys of the same names (jobs,
         * to-data-key), the request's defaults for the rest.
         */
        static ReplicateRequest request(JobDefinition job, boolean targetHasItsOwnKey) {
            return ReplicateRequest.builder().jobs(job.setting("jobs").map(Integer::valueOf).orElse(null))
                    .newDataKey(job.setting("to-data-key").map(ReplicateRequest.NewDataKey::parse)
                            .orElse(ReplicateRequest.NewDataKey.defaultFor(targetHasItsOwnKey))).build();
        }
    }
}
