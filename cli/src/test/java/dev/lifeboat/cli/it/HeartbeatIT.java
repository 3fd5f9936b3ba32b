package dev.lifeboat.cli.it;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dead man's switch of the schedule daemon and of the agent: a small HTTP server stands for
 * healthchecks.io. It is pinged on the interval, told of a failed job (or of archiving that fails)
 * with the reason, and hears nothing more once the process is killed with SIGKILL. The daemon's
 * /metrics, scraped while its job runs, count the runs; a second daemon on the same metrics
 * address is refused before it starts.
 */
@RunsAlone
class HeartbeatIT {

    /** What the watcher received: method, path, body. */
    record Ping(String method, String path, String body) {
    }

    @Test
    void theDaemonPingsOnItsIntervalFlagsAFailedJobAndFallsSilentWhenKilled() throws IOException {
        List<Ping> pings = new CopyOnWriteArrayList<>();
        HttpServer watcher = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        watcher.createContext("/", exchange -> {
            pings.add(new Ping(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        watcher.start();
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-heartbeat-");
             PortReservation nobodyListens = FreePort.reserve()) {
            Path repository = Files.createDirectories(scratch.resolve("repository"));
            Repository.initialize(BlobStores.open(repository.toString()), TestRepositoryDescriptor.standard()).close();
            Path pgdata = Files.createDirectories(scratch.resolve("no-cluster"));
            String url = "http://127.0.0.1:" + watcher.getAddress().getPort() + "/ping/0f1e2d3c";
            Path config = scratch.resolve("lifeboat.yaml");
            Files.writeString(config, """
                    repo: %s
                    pgdata: %s
                    pg-host: 127.0.0.1
                    pg-port: %d
                    heartbeat-url: %s
                    heartbeat-every: 1s
                    schedule:
                      jobs:
                        - name: nightly
                          kind: backup
                          type: full
                          every: 3s
                    """.formatted(repository, pgdata, nobodyListens.port(), url));

            try (ScheduleDaemonProcess daemon = ScheduleDaemonProcess.start(config, scratch.resolve("daemon.log"))) {
                daemon.awaitLine(l -> l.contains("schedule started: 1 job(s)"), Duration.ofSeconds(60));
                daemon.awaitLine(l -> l.contains("nightly failed"), Duration.ofSeconds(60));
                waitUntil(() -> pings.stream().filter(p -> p.method().equals("GET")).count() >= 3
                        && pings.stream().anyMatch(p -> p.method().equals("POST")), "interval pings and a failure ping", pings);

                assertThat(pings).filteredOn(p -> p.method().equals("GET")).allSatisfy(p -> assertThat(p.path()).isEqualTo("/ping/0f1e2d3c"));
                assertThat(pings).filteredOn(p -> p.method().equals("POST")).first().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("/ping/0f1e2d3c/fail");
                    assertThat(p.body()).startsWith("job nightly failed: ");
                });
                assertThat(daemon.lines()).noneMatch(l -> l.contains("0f1e2d3c")).noneMatch(l -> l.contains("heartbeat to"));

                daemon.kill();
                ArchivingCluster.sleep(500);
                int afterKill = pings.size();
                ArchivingCluster.sleep(3500);
                assertThat(pings).as("no ping after SIGKILL").hasSize(afterKill);
            }
        } finally {
            watcher.stop(0);
        }
    }

    @Test
    void theAgentPingsOnItsIntervalFlagsFailingArchivingAndFallsSilentWhenKilled() throws IOException {
        List<Ping> pings = new CopyOnWriteArrayList<>();
        HttpServer watcher = watcher(pings);
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-agent-heartbeat-");
             PortReservation nobodyListens = FreePort.reserve();
             PortReservation metricsPort = FreePort.reserve()) {
            Path repository = Files.createDirectories(scratch.resolve("repository"));
            Repository.initialize(BlobStores.open(repository.toString()), TestRepositoryDescriptor.standard()).close();
            // A data directory whose only ready WAL file is not a WAL segment: every push of it fails.
            Path pgdata = Files.createDirectories(scratch.resolve("pgdata"));
            Path status = Files.createDirectories(pgdata.resolve("pg_wal/archive_status"));
            Files.write(pgdata.resolve("pg_wal/000000010000000000000003"), new byte[16 << 20]);
            Files.createFile(status.resolve("000000010000000000000003.ready"));
            String url = "http://127.0.0.1:" + watcher.getAddress().getPort() + "/ping/agent-7a6b";
            int port = metricsPort.port();

            AgentProcess agent = AgentProcess.start(scratch.resolve("agent.log"), List.of("--repo", repository.toString(),
                    "--pgdata", pgdata.toString(), "--pg-host", "127.0.0.1", "--pg-port", Integer.toString(nobodyListens.port()),
                    "--heartbeat-url", url, "--heartbeat-every", "1s", "--metrics-address", "127.0.0.1:" + port));
            try (agent) {
                waitUntil(() -> pings.stream().filter(p -> p.method().equals("GET")).count() >= 1
                        && pings.stream().anyMatch(p -> p.method().equals("POST")), "an interval ping and a failure ping", pings);
                assertThat(pings).filteredOn(p -> p.method().equals("GET")).allSatisfy(p -> assertThat(p.path()).isEqualTo("/ping/agent-7a6b"));
                assertThat(pings).filteredOn(p -> p.method().equals("POST")).first().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("/ping/agent-7a6b/fail");
                    assertThat(p.body()).contains("archive failures and nothing archived since the last ping; 1 WAL files ready");
                });

                Map<String, String> repo = Map.of("repository", repository.toString());
                MetricsScrape first = MetricsScrape.of(port);
                assertThat(first.valueOf("lifeboat_archive_ready_segments", repo)).isEqualTo(1);
                assertThat(first.valueOf("lifeboat_archive_pushed_segments_total", repo)).isZero();
                double failures = first.valueOf("lifeboat_archive_push_failures_total", repo);
                assertThat(failures).isGreaterThanOrEqualTo(1);
                waitUntil(() -> MetricsScrape.of(port).valueOf("lifeboat_archive_push_failures_total", repo) > failures,
                        "the failures counter to move with the next attempt", pings);
                assertThat(agent.log()).doesNotContain("agent-7a6b");

                agent.kill();
                ArchivingCluster.sleep(500);
                int afterKill = pings.size();
                ArchivingCluster.sleep(3500);
                assertThat(pings).as("no ping after SIGKILL").hasSize(afterKill);
            }
        } finally {
            watcher.stop(0);
        }
    }

    @Test
    void theDaemonServesMetricsThatCountItsRunsAndASecondOneOnTheSameAddressIsRefused() throws IOException {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-daemon-metrics-");
             PortReservation nobodyListens = FreePort.reserve();
             PortReservation metricsPort = FreePort.reserve()) {
            Path repository = Files.createDirectories(scratch.resolve("repository"));
            Repository.initialize(BlobStores.open(repository.toString()), TestRepositoryDescriptor.standard()).close();
            Path pgdata = Files.createDirectories(scratch.resolve("no-cluster"));
            int port = metricsPort.port();
            Path config = scratch.resolve("lifeboat.yaml");
            Files.writeString(config, """
                    repo: %s
                    pgdata: %s
                    pg-host: 127.0.0.1
                    pg-port: %d
                    metrics-address: 127.0.0.1:%d
                    schedule:
                      jobs:
                        - name: nightly
                          kind: backup
                          type: full
                          every: 2s
                    """.formatted(repository, pgdata, nobodyListens.port(), port));

            try (ScheduleDaemonProcess daemon = ScheduleDaemonProcess.start(config, scratch.resolve("daemon.log"))) {
                daemon.awaitLine(l -> l.contains("serving metrics on 127.0.0.1:" + port), Duration.ofSeconds(60));
                daemon.awaitLine(l -> l.contains("nightly failed"), Duration.ofSeconds(60));
                Map<String, String> failed = Map.of("job", "nightly", "outcome", "failed");
                Map<String, String> repo = Map.of("repository", repository.toString());
                waitUntilTrue(() -> MetricsScrape.of(port).value("lifeboat_job_runs_total", failed).isPresent()
                        && MetricsScrape.of(port).value("lifeboat_repository_up", repo).isPresent(), "the first run and read counted");
                MetricsScrape first = MetricsScrape.of(port);
                double runs = first.valueOf("lifeboat_job_runs_total", failed);
                assertThat(runs).isGreaterThanOrEqualTo(1);
                assertThat(first.valueOf("lifeboat_job_last_run_timestamp_seconds", failed))
                        .isBetween(System.currentTimeMillis() / 1000.0 - 120, System.currentTimeMillis() / 1000.0 + 1);
                assertThat(first.valueOf("lifeboat_repository_up", repo)).isEqualTo(1);
                assertThat(first.value("lifeboat_backup_last_success_timestamp_seconds", repo)).as("no backup yet: no sample").isEmpty();
                assertThat(first.value("lifeboat_rpo_seconds", repo)).as("the cluster cannot be asked: no RPO").isEmpty();

                waitUntilTrue(() -> MetricsScrape.of(port).valueOf("lifeboat_job_runs_total", failed) > runs, "the counter to move");

                ScheduleDaemonProcess second = ScheduleDaemonProcess.start(config, scratch.resolve("second.log"));
                try (second) {
                    assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
                    assertThat(second.lines()).first().asString()
                            .isEqualTo("lifeboat: error: cannot serve metrics on 127.0.0.1:" + port + ": the address is in use");
                    assertThat(second.lines()).noneMatch(l -> l.contains("schedule started")).noneMatch(l -> l.contains("Exception"));
                }
                assertThat(daemon.terminate(Duration.ofSeconds(60))).isEqualTo(143);
            }
        }
    }

    private static HttpServer watcher(List<Ping> pings) throws IOException {
        HttpServer watcher = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        watcher.createContext("/", exchange -> {
            pings.add(new Ping(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        watcher.start();
        return watcher;
    }

    private static void waitUntilTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            ArchivingCluster.sleep(200);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what, List<Ping> pings) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what + "; received " + pings).isLessThan(deadline);
            ArchivingCluster.sleep(100);
        }
    }
}
