package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.cli.command.ExpositionFormat;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a monitor learns from `lifeboat check --output nagios|prometheus|json`, on one real cluster
 * archiving through bin/lifeboat: all is well after a backup and a passing drill; a backup made
 * old warns; a segment deleted from a copy of the repository is a critical gap; a removed
 * repository is critical and named; archiving stopped builds a backlog and archiver failures; a
 * failed drill is critical; commits made while archiving is stopped are a measured RPO that turns
 * critical, and it returns to 0 once archiving catches up; the agent's streamed WAL makes the newest
 * commit restorable, and its /metrics move while it pushes. The exit code, the status line with
 * its perfdata and the JSON are asserted each time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckNagiosIT {

    private static ArchivingCluster source;
    private static String backupId;

    @BeforeAll
    static void clusterWithABackupAndAPassedDrill() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupId = backup.stdout().strip();
        source.switchAndWaitForArchive();
        Lifeboat.Run drill = Lifeboat.run("drill", "--repo", source.repository().toString(), "--start-timeout", "120", "--target", "immediate");
        assertThat(drill.exitCode()).as(drill.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(1)
    void aFreshBackupArchivingAndAPassedDrillAreOkForNagiosJsonAndPrometheus() throws IOException {
        Lifeboat.Run nagios = check("--output", "nagios");

        assertThat(nagios.exitCode()).as(nagios.toString()).isZero();
        String status = nagios.stdout().lines().findFirst().orElseThrow();
        assertThat(status).startsWith("LIFEBOAT OK - ").contains(" | ")
                .containsPattern("'backup_age'=\\d+s;93600;180000;0; ")
                .containsPattern("'archive_age'=\\d+s;3600;14400;0; ")
                .containsPattern("'wal_gaps'=0;;;0; ")
                .containsPattern("'ready_backlog'=\\d+;16;64;0; ")
                .containsPattern("'archiver_failures'=0;0;10;0; ")
                .containsPattern("'repository_free_space'=[0-9.]+%;10:;5:;0;100 ");
        assertThat(nagios.stdout().lines().skip(1)).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("OK: "));

        Lifeboat.Run json = check("--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        Map<String, JsonNode> checks = checks(json);
        assertThat(checks.values()).allSatisfy(c -> assertThat(c.get("state").asText()).as(c.toString()).isEqualTo("OK"));
        assertThat(checks.get("backup_age").get("warning").asDouble()).isEqualTo(93600);
        assertThat(checks.get("backup_age").get("critical").asDouble()).isEqualTo(180000);
        assertThat(checks.get("drill_verdict").get("summary").asText()).contains("passed");
        assertThat(checks.get("rpo").get("summary").asText()).contains("last drill's RTO");

        Path file = source.newDirectory("textfile");
        Files.createDirectories(file);
        Path prom = file.resolve("lifeboat.prom");
        Lifeboat.Run prometheus = check("--output", "prometheus", "--prometheus-file", prom.toString());
        assertThat(prometheus.exitCode()).as(prometheus.toString()).isZero();
        assertThat(prometheus.stdout()).isEmpty();
        try (Stream<Path> files = Files.list(file)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("lifeboat.prom");
        }
        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(Files.readString(prom));
        String repository = samples.get(0).labels().get("repository");
        assertThat(repository).contains(source.repository().getFileName().toString());
        assertThat(value(samples, "lifeboat_repository_up")).isEqualTo(1);
        assertThat(value(samples, "lifeboat_backup_last_success_timestamp_seconds"))
                .isBetween(Instant.now().getEpochSecond() - 600.0, Instant.now().getEpochSecond() + 1.0);
        assertThat(value(samples, "lifeboat_archive_last_success_timestamp_seconds")).isGreaterThan(0);
        assertThat(value(samples, "lifeboat_drill_last_success_timestamp_seconds")).isGreaterThan(0);
        assertThat(value(samples, "lifeboat_drill_last_rto_seconds")).isGreaterThan(0);
        assertThat(value(samples, "lifeboat_archive_ready_segments")).isGreaterThanOrEqualTo(0);
        assertThat(value(samples, "lifeboat_archive_missing_segments")).isZero();
        assertThat(samples).filteredOn(s -> s.name().equals("lifeboat_check_state")).hasSize(checks.size())
                .allSatisfy(s -> assertThat(s.value()).isZero());

        Lifeboat.Run toStdout = check("--output", "prometheus");
        assertThat(toStdout.exitCode()).as(toStdout.toString()).isZero();
        assertThat(ExpositionFormat.parse(toStdout.stdout())).extracting(ExpositionFormat.Sample::name)
                .contains("lifeboat_repository_up", "lifeboat_check_state", "lifeboat_check_overall_state");
    }

    @Test
    @Order(2)
    void aBackupOlderThanTheWarningLimitWarns() throws IOException {
        ArchivingCluster.sleep(2000);

        Lifeboat.Run nagios = check("--output", "nagios", "--backup-age-warning", "1s");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(1);
        assertThat(nagios.stdout().lines().findFirst().orElseThrow())
                .startsWith("LIFEBOAT WARNING - newest backup " + backupId + " ended ").containsPattern("'backup_age'=\\d+s;1;180000;0; ");
        assertThat(nagios.stdout().lines()).contains(nagios.stdout().lines().filter(l -> l.startsWith("WARNING: backup_age: ")).findFirst()
                .orElseThrow(() -> new AssertionError(nagios.toString())));
        Map<String, JsonNode> checks = checks(check("--output", "json", "--backup-age-warning", "1s"));
        assertThat(checks.get("backup_age").get("state").asText()).isEqualTo("WARNING");
        assertThat(checks.get("backup_age").get("value").asDouble()).isGreaterThanOrEqualTo(2);
        assertThat(checks.get("backup_age").get("warning").asDouble()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aSegmentMissingFromTheRepositoryIsACriticalGap() throws IOException {
        source.switchAndWaitForArchive();
        source.switchAndWaitForArchive();
        Path copy = source.copyOfTheRepository("gap");
        List<Path> segments = segments(copy);
        Path deleted = segments.get(segments.size() - 2);
        String name = deleted.getFileName().toString().substring(0, 24);
        Files.delete(deleted);

        Lifeboat.Run nagios = Lifeboat.run("check", "--repo", copy.toString(), "--output", "nagios");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(2);
        assertThat(nagios.stdout().lines().findFirst().orElseThrow())
                .startsWith("LIFEBOAT CRITICAL - 1 WAL segments missing (" + name + "): restores stop there")
                .contains("'wal_gaps'=1;;;0;");
        assertThat(nagios.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("CRITICAL: wal_gaps: "));
        Lifeboat.Run json = Lifeboat.run("check", "--repo", copy.toString(), "--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(13);
        assertThat(checks(json).get("wal_gaps").get("state").asText()).isEqualTo("CRITICAL");
        assertThat(checks(json).get("wal_gaps").get("value").asDouble()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void aConfiguredRepositoryBehindTheOtherLags() throws IOException {
        Path copy = source.copyOfTheRepository("second-region");
        ArchivingCluster.sleep(2000);
        // Some WAL to switch away from: without any, pg_switch_wal archives nothing new and main does not move ahead.
        ClusterSql.execute(source.cluster(), "CREATE TABLE lag_probe AS SELECT 1 AS id");
        source.switchAndWaitForArchive();
        Path config = source.newDirectory("config").resolveSibling("two-regions-" + System.nanoTime() + ".yaml");
        Files.writeString(config, "repositories:\n  - name: main\n    uri: " + source.repository() + "\n  - name: copy\n    uri: " + copy + "\n");

        Lifeboat.Run nagios = Lifeboat.run("check", "--config", config.toString(), "--output", "nagios",
                "--repository-lag-warning", "1s", "--repository-lag-critical", "1h");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(1);
        assertThat(nagios.stdout().lines().findFirst().orElseThrow()).startsWith("LIFEBOAT WARNING - copy: its newest WAL is ")
                .contains("behind the newest in another repository").containsPattern("'copy/repository_lag'=([2-9]|\\d\\d+)s;1;3600;0;")
                .contains("'main/repository_lag'=0s;1;3600;0;").contains("'main/backup_age'=").contains("'copy/backup_age'=");
        assertThat(nagios.stdout().lines()).contains("OK: main/repository_lag: holds the newest WAL archived")
                .anySatisfy(l -> assertThat(l).startsWith("WARNING: copy/repository_lag: "));

        Lifeboat.Run prometheus = Lifeboat.run("check", "--config", config.toString(), "--output", "prometheus");
        assertThat(prometheus.exitCode()).as(prometheus.toString()).isZero();
        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(prometheus.stdout());
        assertThat(samples).filteredOn(s -> s.name().equals("lifeboat_repository_up")).extracting(s -> s.labels().get("repository"))
                .containsExactlyInAnyOrder(source.repository().toString(), copy.toString());
        assertThat(samples).filteredOn(s -> s.name().equals("lifeboat_check_state") && s.labels().get("check").equals("repository_lag"))
                .hasSize(2);
    }

    @Test
    @Order(5)
    void aRemovedRepositoryIsCriticalAndNamed() {
        Path gone = source.newDirectory("gone-repository");

        Lifeboat.Run nagios = Lifeboat.run("check", "--repo", gone.toString(), "--output", "nagios");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(2);
        assertThat(nagios.stdout().lines().findFirst().orElseThrow()).startsWith("LIFEBOAT CRITICAL - repository ").contains(gone.toString())
                .contains("cannot be read");
        assertThat(nagios.stderr()).isEmpty();
        Lifeboat.Run prometheus = Lifeboat.run("check", "--repo", gone.toString(), "--output", "prometheus");
        assertThat(prometheus.exitCode()).as(prometheus.toString()).isZero();
        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(prometheus.stdout());
        assertThat(value(samples, "lifeboat_repository_up")).isZero();
        assertThat(value(samples, "lifeboat_check_overall_state")).isEqualTo(2);
        assertThat(Files.exists(gone)).as("check creates nothing").isFalse();
    }

    @Test
    @Order(6)
    void stoppedArchivingBuildsABacklogAndArchiverFailuresThatWarnThenTurnCritical() throws IOException {
        ClusterSql.execute(source.cluster(), "ALTER SYSTEM SET archive_command = 'false'");
        ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
        try {
            for (int i = 0; i < 3; i++) {
                ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g FROM generate_series(1, 100) g");
                ClusterSql.execute(source.cluster(), "SELECT pg_switch_wal()");
            }
            waitUntil(() -> ready() >= 3 && ClusterSql.queryForLong(source.cluster(),
                    "SELECT count(*) FROM pg_stat_archiver WHERE last_failed_time > coalesce(last_archived_time, '-infinity')") == 1,
                    "three ready segments and a failing archiver");

            Lifeboat.Run warning = check("--output", "nagios", "--ready-warning", "1", "--ready-critical", "100",
                    "--archiver-failures-critical", "100000");
            assertThat(warning.exitCode()).as(warning.toString()).isEqualTo(1);
            assertThat(warning.stdout().lines().findFirst().orElseThrow()).startsWith("LIFEBOAT WARNING - ")
                    .contains("WAL files wait to be archived").contains("the archiver is failing since")
                    .containsPattern("'ready_backlog'=([3-9]|\\d\\d+);1;100;0; ").containsPattern("'archiver_failures'=[1-9]\\d*;0;100000;0; ");
            assertThat(warning.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING: ready_backlog: "))
                    .anySatisfy(l -> assertThat(l).startsWith("WARNING: archiver_failures: the archiver is failing since"));

            Lifeboat.Run critical = check("--output", "nagios", "--ready-critical", "2", "--archiver-failures-critical", "0");
            assertThat(critical.exitCode()).as(critical.toString()).isEqualTo(2);
            assertThat(critical.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("CRITICAL: ready_backlog: "))
                    .anySatisfy(l -> assertThat(l).startsWith("CRITICAL: archiver_failures: "));
            Map<String, JsonNode> checks = checks(check("--output", "json", "--ready-critical", "2", "--archiver-failures-critical", "0"));
            assertThat(checks.get("ready_backlog").get("state").asText()).isEqualTo("CRITICAL");
            assertThat(checks.get("ready_backlog").get("value").asDouble()).isGreaterThanOrEqualTo(3);
            assertThat(checks.get("ready_backlog").get("critical").asDouble()).isEqualTo(2);
            assertThat(checks.get("archiver_failures").get("state").asText()).isEqualTo("CRITICAL");
        } finally {
            ClusterSql.execute(source.cluster(), "ALTER SYSTEM RESET archive_command");
            ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
        }
        waitUntil(() -> ready() == 0, "the backlog to be archived");
        source.switchAndWaitForArchive();
    }

    @Test
    @Order(7)
    void aFailedDrillIsCritical() throws IOException {
        Path checksFile = source.newDirectory("checks").resolveSibling("impossible-" + System.nanoTime() + ".sql");
        Files.writeString(checksFile, "-- name: a million orders\n-- expect: count >= 1000000\nSELECT count(*) FROM orders;\n");
        Lifeboat.Run drill = Lifeboat.run("drill", "--repo", source.repository().toString(), "--start-timeout", "120",
                "--target", "immediate", "--checks", checksFile.toString());
        assertThat(drill.exitCode()).as(drill.toString()).isEqualTo(13);

        Lifeboat.Run nagios = check("--output", "nagios");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(2);
        assertThat(nagios.stdout().lines().findFirst().orElseThrow()).startsWith("LIFEBOAT CRITICAL - newest drill ")
                .contains(" of backup " + backupId + " failed: a million orders");
        assertThat(nagios.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("CRITICAL: drill_verdict: "));
        Lifeboat.Run json = check("--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(13);
        assertThat(checks(json).get("drill_verdict").get("state").asText()).isEqualTo("CRITICAL");
    }

    @Test
    @Order(8)
    void commitsWhileArchivingIsStoppedAreAMeasuredRpoThatReturnsToZeroOnceArchivingCatchesUp() throws IOException {
        // With commit timestamps the cluster says when it last committed: the RPO is then exact.
        ClusterSql.execute(source.cluster(), "ALTER SYSTEM SET track_commit_timestamp = on");
        source.cluster().restart();
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g FROM generate_series(1, 10) g");
        source.switchAndWaitForArchive();
        JsonNode caughtUp = checks(check("--output", "json")).get("rpo");
        assertThat(caughtUp.get("value").asDouble()).as(caughtUp.toString()).isZero();
        assertThat(caughtUp.get("state").asText()).isEqualTo("OK");

        ClusterSql.execute(source.cluster(), "ALTER SYSTEM SET archive_command = 'false'");
        ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
        try {
            ArchivingCluster.sleep(3000);
            ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g FROM generate_series(1, 10) g");

            Lifeboat.Run nagios = check("--output", "nagios", "--rpo-warning", "1s", "--rpo-critical", "2s");
            assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(2);
            assertThat(nagios.stdout().lines().findFirst().orElseThrow()).containsPattern("'rpo'=[3-9](\\.\\d+)?s;1;2;0; ");
            assertThat(nagios.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("CRITICAL: rpo: RPO ")
                    .contains("is not restorable"));
            JsonNode behind = checks(check("--output", "json", "--rpo-critical", "2s")).get("rpo");
            assertThat(behind.get("state").asText()).isEqualTo("CRITICAL");
            assertThat(behind.get("value").asDouble()).isBetween(3.0, 60.0);
        } finally {
            ClusterSql.execute(source.cluster(), "ALTER SYSTEM RESET archive_command");
            ClusterSql.execute(source.cluster(), "SELECT pg_reload_conf()");
        }
        source.switchAndWaitForArchive();

        JsonNode again = checks(check("--output", "json", "--rpo-critical", "2s")).get("rpo");
        assertThat(again.get("value").asDouble()).as(again.toString()).isZero();
        assertThat(again.get("state").asText()).isEqualTo("OK");
        Lifeboat.Run text = check();
        assertThat(text.stdout()).containsPattern("RPO: 0 s \\(the (repository holds all the cluster's WAL|newest commit .* is restorable)")
                .contains("newest restorable commit: ");
        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(check("--output", "prometheus").stdout());
        assertThat(value(samples, "lifeboat_rpo_seconds")).isZero();
        assertThat(value(samples, "lifeboat_restorable_commit_timestamp_seconds"))
                .isBetween(Instant.now().getEpochSecond() - 120.0, Instant.now().getEpochSecond() + 1.0);
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
        JsonNode point = Json.mapper().readTree(info.stdout()).get("recoveryPoint");
        assertThat(point).as(info.toString()).isNotNull();
        assertThat(point.get("streamed").asBoolean()).isFalse();
        assertThat(point.get("lastDrillRtoSeconds")).as("the newest drill of the only backup failed: no RTO").isNull();
        assertThat(point.get("restorableAgeSeconds").asLong()).isBetween(0L, 120L);
    }

    @Test
    @Order(9)
    void theAgentsStreamedWalMakesTheNewestCommitRestorableAndItsMetricsMoveWhileItPushes() throws IOException {
        int port;
        try (dev.lifeboat.core.pg.PortReservation reserved = dev.lifeboat.core.pg.FreePort.reserve()) {
            port = reserved.port();
            AgentProcess agent = source.startAgent("--stream", "--metrics-address", "127.0.0.1:" + port);
            try (agent) {
                agent.awaitLog("streaming WAL from", Duration.ofSeconds(60));
                Map<String, String> repo = Map.of("repository", source.repository().toString());
                waitUntil(() -> MetricsScrape.of(port).value("lifeboat_rpo_seconds", repo).isPresent(), "the agent's first RPO");
                MetricsScrape first = MetricsScrape.of(port);
                assertThat(first.valueOf("lifeboat_repository_up", repo)).isEqualTo(1);
                assertThat(first.value("lifeboat_drill_last_rto_seconds", repo)).as("no backup's newest drill passed").isEmpty();
                assertThat(first.valueOf("lifeboat_backup_last_success_timestamp_seconds", repo)).isGreaterThan(0);
                assertThat(first.valueOf("lifeboat_archive_ready_segments", repo)).isGreaterThanOrEqualTo(0);
                double pushed = first.valueOf("lifeboat_archive_pushed_segments_total", repo);
                double timed = first.value("lifeboat_archive_push_seconds_count", repo).orElse(0.0);

                ArchivingCluster.sleep(2000);
                ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g FROM generate_series(1, 10) g");
                String segment = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
                waitUntil(() -> agent.log().contains("streamed WAL stored up to"), "the streamed WAL to be stored");
                ArchivingCluster.sleep(1500); // a stream interval or two: the commit is in the stored part
                JsonNode rpo = checks(check("--output", "json")).get("rpo");
                assertThat(rpo.get("value").asDouble()).as("the commit is only in the streamed part of " + segment + ": " + rpo).isZero();

                source.switchAndWaitForArchive();
                source.switchAndWaitForArchive();
                waitUntil(() -> MetricsScrape.of(port).valueOf("lifeboat_archive_pushed_segments_total", repo) > pushed,
                        "the pushed segments counter to move");
                MetricsScrape second = MetricsScrape.of(port);
                assertThat(second.valueOf("lifeboat_archive_push_seconds_count", repo)).isGreaterThan(timed);
                assertThat(second.valueOf("lifeboat_archive_push_seconds_bucket", Map.of("repository", source.repository().toString(),
                        "le", "+Inf"))).isEqualTo(second.valueOf("lifeboat_archive_push_seconds_count", repo));
            }
        }
    }

    private static Lifeboat.Run check(String... args) {
        List<String> all = new ArrayList<>(List.of("check", "--repo", source.repository().toString(), "--pgdata",
                source.dataDirectory().toString(), "--pg-host", "127.0.0.1", "--pg-port", Integer.toString(source.port())));
        all.addAll(List.of(args));
        return Lifeboat.run(all.toArray(String[]::new));
    }

    private static Map<String, JsonNode> checks(Lifeboat.Run json) throws IOException {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode check : Json.mapper().readTree(json.stdout()).get("checks")) {
            byName.put(check.get("name").asText(), check);
        }
        assertThat(byName).as(json.toString()).isNotEmpty();
        return byName;
    }

    private static double value(List<ExpositionFormat.Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + " in " + samples)).value();
    }

    /** The archived segments of timeline 1 in the repository, oldest first. */
    private static List<Path> segments(Path repository) throws IOException {
        try (Stream<Path> walk = Files.walk(repository.resolve("wal"))) {
            return walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("00000001[0-9A-F]{16}-.*"))
                    .sorted().toList();
        }
    }

    private static long ready() {
        try (Stream<Path> files = Files.list(source.dataDirectory().resolve("pg_wal/archive_status"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ready")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            ArchivingCluster.sleep(200);
        }
    }
}
