package dev.lifeboat.schedules;

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
                request(job);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                VerifyResult result = new VerifyService(repository).run(request(job));
                String summary = result.backups().size() + " backups, " + result.objects() + " objects, " + result.walFiles() + " WAL files";
                if (!result.passed()) {
                    throw new LifeboatException(result.repositoryDamaged() ? ErrorCode.CORRUPT : ErrorCode.REPOSITORY,
                            "verify found " + result.problems().size() + " problems (" + summary + "): " + result.problems().get(0).detail(),
                            "run 'lifeboat verify' for the full list");
                }
                return "verified " + summary;
            };
        }

        /** The job's verify: the command's settings from the job's keys of the same names, the request's defaults for the rest. */
        static VerifyRequest request(JobDefinition job) {
            return VerifyRequest.builder()
                    .backupId(job.setting("backup").filter(b -> !b.equalsIgnoreCase("all")).orElse(null))
                    .jobs(job.setting("jobs").map(Integer::valueOf).orElse(null))
                    .build();
        }
    }
}
