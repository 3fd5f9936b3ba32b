package dev.lifeboat.schedules;

import dev.lifeboat.core.drill.CheckFile;
import dev.lifeboat.core.drill.DrillRequest;
import dev.lifeboat.core.drill.DrillResult;
import dev.lifeboat.core.drill.DrillService;
import dev.lifeboat.core.drill.UserCheck;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.DrillRecord;

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
                request(job, List.of());
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                DrillRequest request = request(job, job.setting("checks").map(f -> CheckFile.read(Path.of(f))).orElse(List.of()));
                DrillResult result = new DrillService(repository, List.of("--repo", job.repository())).run(request);
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

        /**
         * The job's drill of the newest point: the command's settings from the job's keys of the
         * same names, the request's defaults for the rest. A job without check-timeout gives each
         * check as long as its start-timeout, as scheduled drills always have.
         */
        DrillRequest request(JobDefinition job, List<UserCheck> checks) {
            Duration startTimeout = job.setting("start-timeout").map(BackupTask::timeout).orElse(null);
            return DrillRequest.builder()
                    .backupId(job.setting("backup").filter(b -> !b.equalsIgnoreCase("latest")).orElse(null))
                    .checks(checks)
                    .checksDatabase(job.setting("checks-database").orElse(null))
                    .scratchParent(job.setting("scratch").map(Path::of).orElse(null))
                    .lifeboat(lifeboat.command(), lifeboat.options())
                    .login(ConnectionSettings.resolve(null, null, job.setting("pg-user").orElse(null), null, env))
                    .startTimeout(startTimeout)
                    .checkTimeout(job.setting("check-timeout").map(BackupTask::timeout).orElse(startTimeout))
                    .jobs(job.setting("jobs").map(Integer::valueOf).orElse(null))
                    .pgBin(job.setting("pg-bin").map(Path::of).orElse(null))
                    .downloadPg(job.setting("download-pg").map(Factory::yes).orElse(false))
                    .build();
        }

        /** A job's true/false setting; anything else is refused when the configuration loads. */
        private static boolean yes(String value) {
            return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("download-pg must be true or false, not '" + value.strip() + "'");
            };
        }
    }
}
