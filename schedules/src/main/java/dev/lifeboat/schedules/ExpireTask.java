package dev.lifeboat.schedules;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.retention.DurationText;
import dev.lifeboat.core.retention.ExpireRequest;
import dev.lifeboat.core.retention.ExpireResult;
import dev.lifeboat.core.retention.ExpireService;
import dev.lifeboat.core.retention.KnownGoodBackups;
import dev.lifeboat.core.retention.RetentionPolicy;

import java.time.Clock;

/** A scheduled `lifeboat expire` with the job's retention settings. */
final class ExpireTask {

    private ExpireTask() {
    }

    /** The policy from keep-full, keep-within, pitr-window and orphan-age. */
    static RetentionPolicy policy(JobDefinition job) {
        try {
            return new RetentionPolicy(job.setting("keep-full").map(Integer::valueOf).orElse(null),
                    job.setting("keep-within").map(DurationText::parse).orElse(null),
                    job.setting("pitr-window").map(DurationText::parse).orElse(null),
                    job.setting("orphan-age").map(DurationText::parse).orElse(null)).validated();
        } catch (IllegalArgumentException e) {
            throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's retention settings");
        } catch (LifeboatException e) {
            throw TaskCatalog.badSetting(job, e.getMessage(), "set keep-full, keep-within and/or pitr-window for the job");
        }
    }

    record Factory(Clock clock) implements TaskCatalog.Factory {
        @Override
        public void check(JobDefinition job) {
            policy(job);
            LockWaitSetting.check(job);
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            RetentionPolicy policy = policy(job);
            java.time.Duration lockWait = LockWaitSetting.of(job);
            return repository -> {
                ExpireResult result = new ExpireService(repository, KnownGoodBackups.provenByDrills(repository), clock, lockWait)
                        .run(new ExpireRequest(policy, false));
                return result.summary();
            };
        }
    }
}
