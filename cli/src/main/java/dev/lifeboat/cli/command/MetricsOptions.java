package dev.lifeboat.cli.command;

import dev.lifeboat.schedules.metrics.MetricsAddress;
import dev.lifeboat.schedules.metrics.MetricsEndpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Optional;

/** --metrics-address, for the long-running commands (schedule run, agent). */
public final class MetricsOptions {

    /** How often the repositories are read again for the metrics that come from them (and after every job). */
    static final Duration REPOSITORY_READ_EVERY = Duration.ofSeconds(60);

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT",
            description = {"Serve Prometheus metrics at http://HOST:PORT/metrics (default: off). ':PORT' listens on every",
                    "interface, as node_exporter does; 127.0.0.1:PORT only locally. An address in use ends the",
                    "command at once (exit 3). Also LIFEBOAT_METRICS_ADDRESS or the configuration key metrics-address."})
    String address;

    /** The endpoint, serving {@code registry}, or none when no address is set. Start it before any work. */
    Optional<MetricsEndpoint> serve(PrometheusRegistry registry) {
        if (address == null || address.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(MetricsEndpoint.start(MetricsAddress.parse(address), registry));
    }
}
