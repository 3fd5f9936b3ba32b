package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's story with the daemon on one host (schedule in memory): a backup job and an
 * expire job on seconds-level schedules run on their own and are recorded; `schedule list`
 * and `info` show their last results; SIGTERM lets the running job finish; after downtime
 * over a due time the job runs once to catch up; and what expire left still restores.
 */
@RunsAlone
class ScheduleIT {

    @Test
    void backupAndExpireRunOnTheirOwnAreRecordedAndWhatIsKeptRestores() throws IOException {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'row ' || g FROM generate_series(1, 500) g");
            Path config = source.scratch().resolve("lifeboat.yaml");
            Files.writeString(config, """
                    repo: %s
                    pgdata: %s
                    pg-port: %d
                    schedule:
                      misfire-threshold: 1s
                      jobs:
                        - name: backup-often
                          kind: backup
                          type: full
                          every: 4s
                          jobs: 1
                        - name: tidy
                          kind: expire
                          cron: "0/3 * * * * ?"
                          time-zone: UTC
                          keep-full: 2
                    """.formatted(source.repository(), source.dataDirectory(), source.port()));

            try (ScheduleDaemonProcess daemon = ScheduleDaemonProcess.start(config, source.scratch().resolve("daemon-1.log"))) {
                daemon.awaitLine(l -> l.contains("schedule started: 2 job(s)"), Duration.ofSeconds(60));
                for (int n = 1; n <= 3; n++) {
                    int wanted = n;
                    awaitRuns(source, "backup-often", wanted);
                }
                awaitRuns(source, "tidy", 2);
                daemon.awaitLine(l -> l.contains("backup-often (backup) started"), Duration.ofSeconds(30));
                assertThat(daemon.terminate(Duration.ofSeconds(120))).isEqualTo(143);
                List<String> lines = daemon.lines();
                assertThat(lines.get(lines.size() - 1)).endsWith(" stopped");
                assertThat(lines).noneMatch(l -> l.contains(" failed") || l.contains("could not run"));
            }
            JobRunLog.History backups = history(source, "backup-often");
            assertThat(backups.running()).as("a job running at SIGTERM finished before the daemon exited").isEmpty();
            assertThat(backups.finished()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED));
            assertThat(history(source, "tidy").finished()).allSatisfy(r -> {
                assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
                assertThat(r.summary()).contains("kept");
            });

            Lifeboat.Run list = Lifeboat.run("schedule", "list", "--config", config.toString());
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.stdout()).contains("backup-often (backup, every 4s)").contains("tidy (expire, cron '0/3 * * * * ?' (UTC))")
                    .contains("last:  succeeded");
            JsonNode listed = new ObjectMapper().readTree(Lifeboat.run("schedule", "list", "--config", config.toString(),
                    "--output", "json").stdout());
            assertThat(listed.get("jobs")).hasSize(2);
            assertThat(listed.get("jobs").get(0).get("next")).hasSize(3);
            Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString());
            assertThat(info.stdout()).containsPattern("backup-often\\s+backup\\s+succeeded").containsPattern("tidy\\s+expire\\s+succeeded");

            // Down over two due times: one catch-up run when the daemon is back, not two.
            ArchivingCluster.sleep(9000);
            int before = history(source, "backup-often").finished().size();
            try (ScheduleDaemonProcess daemon = ScheduleDaemonProcess.start(config, source.scratch().resolve("daemon-2.log"))) {
                daemon.awaitLine(l -> l.contains("backup-often (backup) started: misfire"), Duration.ofSeconds(60));
                awaitRuns(source, "backup-often", before + 1);
                assertThat(daemon.terminate(Duration.ofSeconds(120))).isEqualTo(143);
                assertThat(daemon.count(l -> l.contains("backup-often (backup) started: misfire"))).isEqualTo(1);
            }

            // Expire kept two full backups (plus what ran after it); the oldest of them restores.
            try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
                List<BackupManifest> kept = repository.backups().list();
                assertThat(kept.size()).isBetween(2, 4);
                Lifeboat.Run expire = Lifeboat.run("expire", "--repo", source.repository().toString(), "--keep-full", "2", "--dry-run");
                assertThat(expire.stdout()).contains("keep    " + kept.get(kept.size() - 1).id());
                int port;
                try (PortReservation reservation = FreePort.reserve()) {
                    port = reservation.port();
                }
                Path target = source.newDirectory("restored");
                Lifeboat.Run restore = source.restore(target, port, "--backup", kept.get(0).id(), "--target", "immediate");
                assertThat(restore.exitCode()).as(restore.toString()).isZero();
                assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders")).isEqualTo("500");
                source.stopRestored(target);
            }
        }
    }

    /**
     * The same plan for cron: the lines parse as crontab lines, a line's command runs its job
     * (recorded like a daemon run), and while another run holds the job's lock it does nothing.
     */
    @Test
    void crontabLinesParseAndRunTheirJobUnderALock() throws Exception {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            assertThat(source.backup().exitCode()).isZero();
            String job = "tidy-" + Long.toHexString(System.nanoTime());
            Path config = source.scratch().resolve("lifeboat.yaml");
            Files.writeString(config, """
                    repo: %s
                    pgdata: %s
                    pg-port: %d
                    schedule:
                      jobs:
                        - name: nightly
                          kind: backup
                          cron: "0 0 2 ? * MON-FRI"
                        - name: %s
                          kind: expire
                          every: 6h
                          keep-full: 3
                    """.formatted(source.repository(), source.dataDirectory(), source.port(), job));

            Lifeboat.Run crontab = Lifeboat.run("schedule", "crontab", "--config", config.toString());
            assertThat(crontab.exitCode()).as(crontab.toString()).isZero();
            List<String> lines = crontab.stdout().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
            assertThat(lines).hasSize(2);
            for (String line : lines) {
                assertThat(line).matches(CRONTAB_LINE);
            }
            assertThat(lines.get(0)).startsWith("0 2 * * 1-5 flock -n /run/lock/lifeboat-nightly.lock ");
            String command = lines.get(1).split("\\s+", 6)[5];
            assertThat(lines.get(1)).startsWith("0 */6 * * * ");

            Lifeboat.Run run = Lifeboat.exec(List.of("/bin/sh", "-c", command), Map.of(), null);
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(history(source, job).finished()).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
                assertThat(r.trigger()).isEqualTo("now");
            });

            Process holder = new ProcessBuilder("flock", "/run/lock/lifeboat-" + job + ".lock", "sleep", "30").start();
            try {
                ArchivingCluster.sleep(500);
                Lifeboat.Run blocked = Lifeboat.exec(List.of("/bin/sh", "-c", command), Map.of(), null);
                assertThat(blocked.exitCode()).as("flock -n gives up while another run holds the lock").isEqualTo(1);
                assertThat(history(source, job).finished()).hasSize(1);
            } finally {
                holder.destroyForcibly();
                holder.waitFor();
                Files.deleteIfExists(Path.of("/run/lock/lifeboat-" + job + ".lock"));
            }
        }
    }

    /** Five time fields (numbers, ranges, lists, steps, *) and a command. */
    private static final String CRONTAB_LINE =
            "((\\*|\\d+(-\\d+)?)(/\\d+)?(,(\\*|\\d+(-\\d+)?)(/\\d+)?)*\\s+){5}flock -n /run/lock/lifeboat-\\S+\\.lock \\S+/bin/lifeboat schedule exec \\S+ --config \\S+";

    private static void awaitRuns(ArchivingCluster source, String job, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (history(source, job).finished().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(job + " did not finish " + count + " run(s) in 90 s: " + history(source, job));
            }
            ArchivingCluster.sleep(200);
        }
    }

    static JobRunLog.History history(ArchivingCluster source, String job) {
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
            return new JobRunLog(repository, Clock.systemUTC()).history(job);
        }
    }
}
