package dev.lifeboat.cli.command;

import dev.lifeboat.core.check.CheckReport;
import dev.lifeboat.core.check.MonitorChecks;
import dev.lifeboat.core.check.MonitoredCheck;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * `check --output prometheus`: the repository's state as metrics in the Prometheus text format,
 * for node_exporter's textfile collector. The client library names, escapes and types them;
 * a metric that could not be measured is left out rather than written as 0.
 */
final class PrometheusExposition {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, Gauge> gauges = new HashMap<>();

    PrometheusExposition() {
    }

    /** One repository's metrics; see {@link #add}. */
    PrometheusExposition(String repository, CheckReport report, List<MonitoredCheck> checks) {
        add(repository, report, checks);
    }

    /**
     * Adds one repository's metrics, labelled with its location.
     *
     * @param report null when the repository could not be read
     */
    PrometheusExposition add(String repository, CheckReport report, List<MonitoredCheck> checks) {
        gauge("lifeboat_repository_up", "1 when the repository could be opened and read, else 0", null)
                .labelValues(repository).set(report == null ? 0 : 1);
        if (report != null) {
            CheckReport.Health h = report.health();
            timestamp(repository, "lifeboat_backup_last_success_timestamp_seconds", "When the newest backup ended", h.newestBackupEnded());
            timestamp(repository, "lifeboat_archive_last_success_timestamp_seconds", "When the newest WAL file was archived", h.lastArchived());
            timestamp(repository, "lifeboat_drill_last_success_timestamp_seconds", "When the newest passing drill finished", h.lastPassedDrill());
            if (h.lastPassedDrillRtoSeconds() != null) {
                gauge("lifeboat_drill_last_rto_seconds", "Recovery time of the newest passing drill (restore until open for writes)",
                        Unit.SECONDS).labelValues(repository).set(h.lastPassedDrillRtoSeconds());
            }
            if (report.rpo() != null) {
                if (report.rpo().seconds() != null) {
                    gauge("lifeboat_rpo_seconds", "Measured RPO: the newest commit of the cluster a restore made now would lose, in seconds",
                            Unit.SECONDS).labelValues(repository).set(report.rpo().seconds());
                }
                timestamp(repository, "lifeboat_restorable_commit_timestamp_seconds", "The newest commit a restore made now replays",
                        report.rpo().newestRestorable());
            }
            long missing = report.timelines().stream().flatMap(t -> t.gaps().stream()).mapToLong(CheckReport.Gap::segments).sum();
            gauge("lifeboat_archive_missing_segments", "WAL segments missing from the archive (a restore stops at the first)", null)
                    .labelValues(repository).set(missing);
            CheckReport.ClusterArchiving cluster = report.cluster();
            if (cluster != null) {
                gauge("lifeboat_archive_ready_segments", "WAL files PostgreSQL has marked ready and not yet archived", null)
                        .labelValues(repository).set(cluster.ready());
                if (cluster.failedCount() != null) {
                    gauge("lifeboat_archive_failures", "Archiver failures since its last success (0 while it succeeds)", null)
                            .labelValues(repository).set(cluster.failingSince() == null ? 0 : cluster.failedCount());
                }
            }
        }
        Gauge state = gauges.computeIfAbsent("lifeboat_check_state", name -> Gauge.builder().name(name)
                .help("State of each monitored check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN").labelNames("repository", "check")
                .register(registry));
        for (MonitoredCheck check : checks) {
            state.labelValues(repository, check.name()).set(check.state().exitCode());
        }
        gauge("lifeboat_check_overall_state", "The worst state of the repository's checks: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", null)
                .labelValues(repository).set(MonitorChecks.overall(checks).exitCode());
        return this;
    }

    /** The gauge of this name, labelled by repository, registered on first use. */
    private Gauge gauge(String name, String help, Unit unit) {
        return gauges.computeIfAbsent(name, n -> {
            Gauge.Builder builder = Gauge.builder().name(n).help(help).labelNames("repository");
            if (unit != null) {
                builder.unit(unit);
            }
            return builder.register(registry);
        });
    }

    private void timestamp(String repository, String name, String help, Instant when) {
        if (when != null) {
            gauge(name, help, Unit.SECONDS).labelValues(repository).set(when.toEpochMilli() / 1000.0);
        }
    }

    void write(OutputStream out) {
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
            out.flush();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot write the metrics: " + e.getMessage(), null, e);
        }
    }

    private static String why(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Writes the file whole or not at all: a temporary file in the same directory, renamed over
     * it, so the textfile collector never reads half of it.
     */
    void writeFile(Path file) {
        Path target = file.toAbsolutePath().normalize();
        Path temp = null;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                write(out);
            }
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot write " + target + ": " + why(e),
                    "--prometheus-file must name a file in a writable directory (e.g. node_exporter's textfile directory)");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the write failed already; that is what we report
                }
            }
        }
    }
}
