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
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two daemons, two processes, one schedule in a PostgreSQL job store (the cluster's own
 * database): each trigger runs once across both; when the daemon running a backup is killed
 * (SIGKILL, as when its host dies), the other re-runs that backup and carries on with the
 * next triggers.
 */
@RunsAlone
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
                // A backup can still finish between seeing it run and the kill: then it must not run again.
                boolean finishedAnyway = ScheduleIT.history(source, "backup-often").finished().stream()
                        .anyMatch(r -> r.runId().equals(running.runId()) && r.outcome() != JobRun.Outcome.ABANDONED);

                if (!finishedAnyway) {
                    survivor.awaitLine(l -> l.contains("backup-often (backup) started: recovery"), Duration.ofSeconds(60));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (runsAfter(source, killedAt, survivorId) < 3 && System.nanoTime() < deadline) {
                    ArchivingCluster.sleep(200);
                }
                assertThat(survivor.terminate(Duration.ofSeconds(120))).isEqualTo(143);

                List<JobRun> runs = ScheduleIT.history(source, "backup-often").finished();
                String story = "runs: %s%nsurvivor:%n%s".formatted(runs.stream().map(JobRun::toString).collect(Collectors.joining("\n")),
                        String.join("\n", survivor.lines()));
                List<JobRun> abandoned = runs.stream().filter(r -> r.outcome() == JobRun.Outcome.ABANDONED).toList();
                List<JobRun> recoveries = runs.stream().filter(r -> r.trigger().equals("recovery")).toList();
                if (finishedAnyway) {
                    assertThat(abandoned).as(story).isEmpty();
                    assertThat(recoveries).as("a run that finished is not recovered: " + story).isEmpty();
                } else {
                    assertThat(abandoned).as(story).singleElement().satisfies(r -> assertThat(r.runId()).isEqualTo(running.runId()));
                    assertThat(recoveries).as(story).singleElement().satisfies(r -> {
                        assertThat(r.instance()).isEqualTo(survivorId);
                        assertThat(r.scheduledFor()).isEqualTo(running.scheduledFor());
                        assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED);
                    });
                }
                assertThat(runsAfter(source, killedAt, survivorId)).as("the survivor runs the next triggers").isGreaterThanOrEqualTo(3);

                // Each due time ran once (a catch-up run counts for the time it makes up for; the
                // killed run's time counts once, for its recovery), and never two runs at once.
                Set<Instant> due = new HashSet<>();
                JobRun previous = null;
                for (JobRun r : runs) {
                    if (r.outcome() == JobRun.Outcome.ABANDONED) {
                        continue;
                    }
                    Instant served = r.missed() != null ? r.missed() : r.scheduledFor();
                    assertThat(due.add(served)).as("the run due at %s ran twice: %s", served, story).isTrue();
                    assertThat(r.outcome()).as(story).isEqualTo(JobRun.Outcome.SUCCEEDED);
                    if (previous != null) {
                        assertThat(r.startTime()).as("one job never runs twice at once: %s", story).isAfterOrEqualTo(previous.endTime());
                    }
                    previous = r;
                }
            }
        }
    }

    /** A run that started a moment ago and has no record yet: one that will still be running when its daemon is killed. */
    private static JobRun awaitRunning(ArchivingCluster source) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JobRunLog.History history = ScheduleIT.history(source, "backup-often");
            Set<String> recorded = history.finished().stream().map(JobRun::runId).collect(Collectors.toSet());
            Instant now = Instant.now();
            for (JobRun run : history.finished().isEmpty() ? List.<JobRun>of() : history.running()) {
                if (!recorded.contains(run.runId()) && run.startTime().isAfter(now.minusMillis(500))) {
                    return run;
                }
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
