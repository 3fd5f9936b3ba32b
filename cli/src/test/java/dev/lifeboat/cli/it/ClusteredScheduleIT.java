package dev.lifeboat.cli.it;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two daemons, two processes, one schedule in a PostgreSQL job store (the cluster's own
 * database): each trigger runs once across both; when the daemon running a backup is killed
 * (SIGKILL, as when its host dies), the other re-runs that backup and carries on with the
 * next triggers.
 */
class ClusteredScheduleIT {

    private static final Pattern INSTANCE = Pattern.compile("instance (\\S+),");

    @Test
    void eachTriggerRunsOnceAcrossTwoDaemonsAndTheSurvivorTakesOver() throws IOException {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            Path config = source.scratch().resolve("lifeboat.yaml");
            Files.writeString(config, """
                    repo: %s
                    pgdata: %s
                    pg-port: %d
                    schedule:
                      job-store: jdbc:postgresql://127.0.0.1:%d/postgres
                      job-store-user: postgres
                      checkin-interval: 1s
                      misfire-threshold: 2s
                      jobs:
                        - name: backup-often
                          kind: backup
                          cron: "0/3 * * * * ?"
                          time-zone: UTC
                          jobs: 1
                    """.formatted(source.repository(), source.dataDirectory(), source.port(), source.port()));

            try (ScheduleDaemonProcess a = ScheduleDaemonProcess.start(config, source.scratch().resolve("a.log"));
                 ScheduleDaemonProcess b = ScheduleDaemonProcess.start(config, source.scratch().resolve("b.log"))) {
                String idA = instance(a.awaitLine(l -> l.contains("schedule started"), Duration.ofSeconds(60)));
                String idB = instance(b.awaitLine(l -> l.contains("schedule started"), Duration.ofSeconds(60)));
                assertThat(idA).isNotEqualTo(idB);
                assertThat(a.lines()).anyMatch(l -> l.contains("(clustered"));

                // Wait for a run to be under way, then kill the daemon running it.
                JobRun running = awaitRunning(source);
                boolean onA = running.instance().equals(idA);
                ScheduleDaemonProcess victim = onA ? a : b;
                ScheduleDaemonProcess survivor = onA ? b : a;
                String survivorId = onA ? idB : idA;
                victim.kill();
                Instant killedAt = Instant.now();

                survivor.awaitLine(l -> l.contains("backup-often (backup) started: recovery"), Duration.ofSeconds(60));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (runsAfter(source, killedAt, survivorId) < 3 && System.nanoTime() < deadline) {
                    ArchivingCluster.sleep(200);
                }
                assertThat(survivor.terminate(Duration.ofSeconds(120))).isEqualTo(143);

                List<JobRun> runs = ScheduleIT.history(source, "backup-often").finished();
                List<JobRun> abandoned = runs.stream().filter(r -> r.outcome() == JobRun.Outcome.ABANDONED).toList();
                assertThat(abandoned).as(String.join("\n", survivor.lines())).singleElement()
                        .satisfies(r -> assertThat(r.runId()).isEqualTo(running.runId()));
                assertThat(runs).as("runs: %s%nsurvivor:%n%s", runs, String.join("\n", survivor.lines()))
                        .filteredOn(r -> r.trigger().equals("recovery")).singleElement().satisfies(r -> {
                    assertThat(r.instance()).isEqualTo(survivorId);
                    assertThat(r.scheduledFor()).isEqualTo(running.scheduledFor());
                    assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
                });
                assertThat(runsAfter(source, killedAt, survivorId)).as("the survivor runs the next triggers").isGreaterThanOrEqualTo(3);
                Set<Instant> due = new HashSet<>();
                for (JobRun r : runs) {
                    if (r.outcome() != JobRun.Outcome.ABANDONED) {
                        assertThat(due.add(r.scheduledFor())).as("trigger due at %s ran twice: %s", r.scheduledFor(), runs).isTrue();
                        assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
                    }
                }
            }
        }
    }

    private static JobRun awaitRunning(ArchivingCluster source) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JobRunLog.History history = ScheduleIT.history(source, "backup-often");
            if (!history.running().isEmpty() && !history.finished().isEmpty()) {
                return history.running().get(0);
            }
            ArchivingCluster.sleep(50);
        }
        throw new AssertionError("no backup run under way within 60 s");
    }

    private static long runsAfter(ArchivingCluster source, Instant after, String instance) {
        return ScheduleIT.history(source, "backup-often").finished().stream()
                .filter(r -> r.instance().equals(instance) && r.startTime().isAfter(after)
                        && r.outcome() == JobRun.Outcome.SUCCEEDED)
                .count();
    }

    private static String instance(String startedLine) {
        Matcher m = INSTANCE.matcher(startedLine);
        assertThat(m.find()).as(startedLine).isTrue();
        return m.group(1);
    }
}
