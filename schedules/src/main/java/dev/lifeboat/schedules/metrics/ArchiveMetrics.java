package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.agent.AgentListener;
import dev.lifeboat.core.archive.WalPushService;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.function.IntSupplier;

/**
 * The agent's archiving as metrics: how long each WAL file took to store, how many were stored or
 * failed, and how many PostgreSQL has marked ready and not yet archived (read at each scrape).
 */
public final class ArchiveMetrics {

    /** Seconds; a 16 MiB segment takes well under a second to a local disk and seconds to a far store. */
    private static final double[] PUSH_BUCKETS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Histogram pushSeconds;
    private final Counter pushed;
    private final Counter failures;
    private final String repository;

    public ArchiveMetrics(PrometheusRegistry registry, String repository, IntSupplier ready) {
        this.repository = repository;
        this.pushSeconds = Histogram.builder().name("lifeboat_archive_push_seconds")
                .help("Time to store one WAL file in the repository (read, checksum, compress, encrypt, upload)").unit(Unit.SECONDS)
                .labelNames("repository").classicOnly().classicUpperBounds(PUSH_BUCKETS).register(registry);
        this.pushed = Counter.builder().name("lifeboat_archive_pushed_segments_total")
                .help("WAL files stored by the agent (or found already stored)").labelNames("repository").register(registry);
        this.failures = Counter.builder().name("lifeboat_archive_push_failures_total")
                .help("Attempts to store a WAL file that failed (each is tried again)").labelNames("repository").register(registry);
        GaugeWithCallback.builder().name("lifeboat_archive_ready_segments")
                .help("WAL files PostgreSQL has marked ready and not yet archived").labelNames("repository")
                .callback(cb -> cb.call(ready.getAsInt(), repository)).register(registry);
        // a family with no sample yet is still listed, so a dashboard sees 0 rather than nothing
        pushed.labelValues(repository);
        failures.labelValues(repository);
    }

    /** A listener that counts, then tells {@code next}. */
    public AgentListener around(AgentListener next) {
        return new AgentListener() {
            @Override
            public void stored(WalPushService.Result result) {
                pushed.labelValues(repository).inc();
                if (result.elapsed() != null) {
                    pushSeconds.labelValues(repository).observe(result.elapsed().toNanos() / 1e9);
                }
                next.stored(result);
            }

            @Override
            public void failed(String fileName, RuntimeException problem) {
                failures.labelValues(repository).inc();
                next.failed(fileName, problem);
            }

            @Override
            public void note(String message) {
                next.note(message);
            }
        };
    }
}
