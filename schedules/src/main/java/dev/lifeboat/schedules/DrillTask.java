package dev.lifeboat.schedules;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.drill.CheckFile;
import dev.lifeboat.core.drill.DrillRequest;
import dev.lifeboat.core.drill.DrillResult;
import dev.lifeboat.core.drill.DrillService;
import dev.lifeboat.core.drill.UserCheck;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.restore.RecoveryTarget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A scheduled `lifeboat drill`: restore the newest backup (or the one named) into a scratch
 * instance, check it, record the verdict. A failed drill is a failed run.
 */
final class DrillTask {

    private DrillTask() {
    }

    record Factory(Map<String, String> env, LifeboatCall lifeboat) implements TaskCatalog.Factory {
        @Override
        public void check(JobDefinition job) {
            try {
                job.setting("checks").ifPresent(file -> CheckFile.read(Path.of(file)));
            } catch (LifeboatException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), e.hint() == null ? "fix the job's checks file" : e.hint());
            }
            try {
                job.setting("start-timeout").ifPresent(BackupTask::timeout);
                job.setting("jobs").ifPresent(Integer::parseInt);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                List<UserCheck> checks = job.setting("checks").map(f -> CheckFile.read(Path.of(f))).orElse(List.of());
                String backup = job.setting("backup").filter(b -> !b.equalsIgnoreCase("latest")).orElse(null);
                ConnectionSettings login = ConnectionSettings.resolve(null, null, job.setting("pg-user").orElse(null), null, env);
                Duration startTimeout = job.setting("start-timeout").map(BackupTask::timeout).orElse(Duration.ofHours(1));
                int workers = job.setting("jobs").map(Integer::parseInt).orElse(Runtime.getRuntime().availableProcessors());
                DrillRequest request = new DrillRequest(backup, new RecoveryTarget.Latest(), null, checks,
                        job.setting("checks-database").orElse(null), false, job.setting("scratch").map(Path::of).orElse(null),
                        lifeboat.command(), lifeboat.options(), login, Map.of(), startTimeout, startTimeout, workers, ProgressListener.NONE);
                DrillResult result = new DrillService(repository).run(request);
                DrillRecord drill = result.drill();
                if (!drill.passed()) {
                    throw new LifeboatException(ErrorCode.CHECK_FAILED, "drill of backup " + drill.backupId() + " failed: " + drill.failure(),
                            "the backup is not known-good; run 'lifeboat drill' to see the report");
                }
                if (result.recordFailure() != null) {
                    throw new LifeboatException(ErrorCode.STORAGE, "drill passed but its verdict is not recorded: " + result.recordFailure());
                }
                return "drill of " + drill.backupId() + " passed" + (drill.timings() == null || drill.timings().rto() == null ? ""
                        : String.format(", RTO %.1f s", drill.timings().rto().toNanos() / 1e9));
            };
        }
    }
}
