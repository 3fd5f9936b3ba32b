package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.jobs.JobRun;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --metrics-address as written, and the endpoint: it serves what the instruments count, and refuses an address in use. */
class MetricsEndpointTest {

    @Test
    void anAddressIsHostAndPortOrAPortForEveryInterface() {
        assertThat(MetricsAddress.parse("127.0.0.1:9187")).isEqualTo(new MetricsAddress("127.0.0.1", 9187));
        assertThat(MetricsAddress.parse(":9187")).isEqualTo(new MetricsAddress(null, 9187));
        assertThat(MetricsAddress.parse(" [::1]:9187 ")).isEqualTo(new MetricsAddress("::1", 9187));
        assertThat(MetricsAddress.parse("localhost:80").toString()).isEqualTo("localhost:80");
        assertThat(MetricsAddress.parse("[::1]:80").toString()).isEqualTo("[::1]:80");
        for (String bad : new String[]{"9187", "host:", "host:port", ":0", ":65536", "::1:9187"}) {
            assertThatThrownBy(() -> MetricsAddress.parse(bad)).as(bad).isInstanceOfSatisfying(LifeboatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                assertThat(e.getMessage()).startsWith("--metrics-address '" + bad + "': ");
            });
        }
    }

    @Test
    void anAddressInUseIsRefusedInOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MetricsAddress address = new MetricsAddress("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> MetricsEndpoint.start(address, new PrometheusRegistry()))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG);
                        assertThat(e.getMessage()).isEqualTo("cannot serve metrics on " + address + ": the address is in use");
                        assertThat(e.hint()).contains("--metrics-address");
                    });
        }
    }

    @Test
    void runsCountedByJobAndOutcomeAreServedAndMove() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        int[] refreshes = {0};
        JobMetrics jobs = new JobMetrics(registry, () -> refreshes[0]++);
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(new MetricsAddress("127.0.0.1", port), registry)) {
            Instant end = Instant.parse("2026-12-03T12:00:00Z");
            jobs.finished(run("nightly", JobRun.Outcome.SUCCEEDED, end));
            String first = scrape(endpoint.port());
            assertThat(first).contains("lifeboat_job_runs_total{job=\"nightly\",outcome=\"succeeded\"} 1.0")
                    .contains("lifeboat_job_last_run_timestamp_seconds{job=\"nightly\",outcome=\"succeeded\"} " + (double) end.getEpochSecond());
            jobs.finished(run("nightly", JobRun.Outcome.SUCCEEDED, end.plusSeconds(60)));
            jobs.finished(run("nightly", JobRun.Outcome.FAILED, end.plusSeconds(120)));
            String second = scrape(endpoint.port());
            assertThat(second).contains("lifeboat_job_runs_total{job=\"nightly\",outcome=\"succeeded\"} 2.0")
                    .contains("lifeboat_job_runs_total{job=\"nightly\",outcome=\"failed\"} 1.0");
            assertThat(refreshes[0]).isEqualTo(3);
        }
    }

    private static JobRun run(String job, JobRun.Outcome outcome, Instant end) {
        return new JobRun(job, "backup", "r1", "schedule", end, end.minusSeconds(5), end, outcome, null, null, "host", 1, "i", null);
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
