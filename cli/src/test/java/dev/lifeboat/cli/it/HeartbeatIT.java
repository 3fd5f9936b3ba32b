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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedule daemon's dead man's switch: a small HTTP server stands for healthchecks.io. It is
 * pinged on the interval, told of a failed job with the reason, and hears nothing more once the
 * daemon is killed with SIGKILL.
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

    private static void waitUntil(java.util.function.BooleanSupplier condition, String what, List<Ping> pings) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what + "; received " + pings).isLessThan(deadline);
            ArchivingCluster.sleep(100);
        }
    }
}
