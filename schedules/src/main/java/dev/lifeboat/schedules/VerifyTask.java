package dev.lifeboat.schedules;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.verify.VerifyRequest;
import dev.lifeboat.core.verify.VerifyResult;
import dev.lifeboat.core.verify.VerifyService;

/** A scheduled `lifeboat verify`: every object of a backup (default: of every backup) read and checked. */
final class VerifyTask {

    private VerifyTask() {
    }

    record Factory() implements TaskCatalog.Factory {
        @Override
        public void check(JobDefinition job) {
            try {
                job.setting("jobs").ifPresent(Integer::parseInt);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                String backup = job.setting("backup").filter(b -> !b.equalsIgnoreCase("all")).orElse(null);
                int workers = job.setting("jobs").map(Integer::parseInt).orElse(Runtime.getRuntime().availableProcessors());
                VerifyResult result = new VerifyService(repository).run(new VerifyRequest(backup, workers, ProgressListener.NONE));
                String summary = result.backups().size() + " backups, " + result.objects() + " objects, " + result.walFiles() + " WAL files";
                if (!result.passed()) {
                    throw new LifeboatException(result.repositoryDamaged() ? ErrorCode.CORRUPT : ErrorCode.REPOSITORY,
                            "verify found " + result.problems().size() + " problems (" + summary + "): " + result.problems().get(0).detail(),
                            "run 'lifeboat verify' for the full list");
                }
                return "verified " + summary;
            };
        }
    }
}
