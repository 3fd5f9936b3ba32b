package dev.lifeboat.cli.it;

import dev.lifeboat.cli.command.ExpositionFormat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One GET of /metrics, as Prometheus scrapes it, read with the strict exposition-format reader. */
record MetricsScrape(List<ExpositionFormat.Sample> samples) {

    static MetricsScrape of(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30))
                .GET().build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            return new MetricsScrape(ExpositionFormat.parse(response.body()));
        } catch (IOException e) {
            throw new AssertionError("cannot GET /metrics on port " + port + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The value of the sample with this name whose labels include {@code labels}. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .map(ExpositionFormat.Sample::value).findFirst();
    }

    double valueOf(String name, Map<String, String> labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + labels + " in " + samples));
    }

    double valueOf(String name) {
        return valueOf(name, Map.of());
    }
}
