package dev.lifeboat.schedules;

import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.backup.BackupResult;
import dev.lifeboat.core.backup.BackupService;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.retention.DurationText;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** A scheduled `lifeboat backup`: the same service, the same settings. */
final class BackupTask {

    private BackupTask() {
    }

    record Factory(Map<String, String> env, Clock clock) implements TaskCatalog.Factory {

        @Override
        public void check(JobDefinition job) {
            if (job.setting("pgdata").isEmpty() && env.get("PGDATA") == null) {
                throw TaskCatalog.badSetting(job, "no pgdata for the backup", "set 'pgdata' in the job or at the top of the file");
            }
            try {
                request(job, env);
            } catch (IllegalArgumentException e) {
                throw TaskCatalog.badSetting(job, e.getMessage(), "fix the job's settings");
            }
            LockWaitSetting.check(job);
        }

        @Override
        public ScheduledTask create(JobDefinition job) {
            return repository -> {
                BackupRequest request = request(job, env);
                BackupResult result = new BackupService(repository, clock, LockWaitSetting.of(job)).run(request);
                return result.backupId() + " (" + result.type().jsonName() + (result.fromStandby() ? " from a standby" : "")
                        + (result.parent() == null ? "" : " on " + result.parent() + ", " + result.reusedFiles() + " files reused")
                        + ", " + result.files() + " files, "
                        + result.bytes() / 1_000_000 + " MB, " + result.totalDuration().toSeconds() + " s)"
                        + (result.corruptPages().isEmpty() ? "" : "; holds corrupt pages: " + result.corruptPages().get(0).describe()
                        + (result.corruptPages().size() > 1 ? " and " + (result.corruptPages().size() - 1) + " more files" : ""));
            };
        }
    }

    /** The job's backup: the command's settings from the job's keys of the same names, the request's defaults for the rest. */
    static BackupRequest request(JobDefinition job, Map<String, String> env) {
        BackupType type = job.setting("type").map(BackupType::parse).orElse(null);
        ConnectionSettings connection = ConnectionSettings.resolve(job.setting("pg-host").orElse(null),
                job.setting("pg-port").map(Integer::valueOf).orElse(null), job.setting("pg-user").orElse(null),
                job.setting("pg-database").orElse(null), job.setting("pg-sslmode").orElse(null),
                job.setting("pg-sslrootcert").orElse(null), env);
        boolean fromStandby = job.setting("from-standby").map(BackupTask::trueOrFalse).orElse(false);
        String primaryHost = job.setting("primary-host").orElse(null);
        Integer primaryPort = job.setting("primary-port").map(Integer::valueOf).orElse(null);
        if ((primaryHost != null || primaryPort != null) && !fromStandby) {
            throw new IllegalArgumentException("primary-host and primary-port are for a backup with from-standby: true");
        }
        return BackupRequest.builder(Path.of(job.setting("pgdata").orElseGet(() -> env.get("PGDATA"))), connection)
                .fromStandby(fromStandby)
                .primary(primaryHost == null && primaryPort == null ? null : connection.atServer(primaryHost, primaryPort))
                .type(type)
                .jobs(job.setting("jobs").map(Integer::valueOf).orElse(null))
                .archiveTimeout(job.setting("archive-timeout").map(BackupTask::timeout).orElse(null))
                .build();
    }

    private static boolean trueOrFalse(String text) {
        return switch (text.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("from-standby is '" + text + "', not true or false");
        };
    }

    /** Plain numbers are seconds, as for the command's --archive-timeout. */
    static Duration timeout(String text) {
        return text.strip().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text.strip())) : DurationText.parse(text);
    }
}
