package dev.lifeboat.schedules.metrics;

import dev.lifeboat.core.check.ClusterCommits;
import dev.lifeboat.core.check.RecoveryStatus;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.repo.Repository;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the repositories say, read again on an interval and soon after every job (on one
 * background thread, never while Prometheus scrapes): the newest backup, the last passing drill's
 * RTO, the newest restorable commit and, where the cluster can be asked, the RPO. A repository that
 * cannot be read keeps its last values and shows lifeboat_repository_up 0.
 */
public final class RepositoryMetrics implements AutoCloseable {

    /**
     * One repository to read.
     *
     * @param label   its location, the repository label
     * @param open    opens it (closed after each read)
     * @param cluster its cluster, for the RPO; null when none can be asked
     */
    public record Source(String label, Supplier<Repository> open, ConnectionSettings cluster) {
    }

    private final List<Source> sources;
    private final Clock clock;
    private final Consumer<String> log;
    private final Gauge up;
    private final Gauge backupLastSuccess;
    private final Gauge drillRto;
    private final Gauge restorableCommit;
    private final Gauge rpo;
    private final Gauge lastRead;
    private final AtomicBoolean pending = new AtomicBoolean();
    /** The last problem logged per source: a problem that persists is logged once, not every minute. */
    private final Map<String, String> logged = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeboat-metrics-reader");
        t.setDaemon(true);
        return t;
    });

    private RepositoryMetrics(PrometheusRegistry registry, List<Source> sources, Clock clock, Consumer<String> log) {
        this.sources = List.copyOf(sources);
        this.clock = clock;
        this.log = log;
        this.up = gauge(registry, "lifeboat_repository_up", "1 when the repository could be read at the last refresh, else 0", null);
        this.backupLastSuccess = gauge(registry, "lifeboat_backup_last_success_timestamp_seconds", "When the newest backup ended", Unit.SECONDS);
        this.drillRto = gauge(registry, "lifeboat_drill_last_rto_seconds",
                "Recovery time of the newest passing drill (restore until open for writes)", Unit.SECONDS);
        this.restorableCommit = gauge(registry, "lifeboat_restorable_commit_timestamp_seconds",
                "The newest commit a restore made now replays", Unit.SECONDS);
        this.rpo = gauge(registry, "lifeboat_rpo_seconds",
                "Measured RPO: the newest commit of the cluster a restore made now would lose, in seconds", Unit.SECONDS);
        this.lastRead = gauge(registry, "lifeboat_metrics_refresh_timestamp_seconds", "When the repository was last read for these metrics",
                Unit.SECONDS);
    }

    /** Reads every source now (in the background) and then every {@code every}. */
    public static RepositoryMetrics start(PrometheusRegistry registry, List<Source> sources, Duration every, Clock clock,
                                          Consumer<String> log) {
        RepositoryMetrics metrics = new RepositoryMetrics(registry, sources, clock, log);
        metrics.reader.scheduleWithFixedDelay(metrics::readAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return metrics;
    }

    /** Reads again soon (after a job); several calls before it starts make one read. */
    public void refreshSoon() {
        if (pending.compareAndSet(false, true)) {
            reader.execute(() -> {
                pending.set(false);
                readAll();
            });
        }
    }

    private void readAll() {
        for (Source source : sources) {
            read(source);
        }
    }

    private void read(Source source) {
        try {
            // the cluster first: WAL it wrote before the repository is read is WAL the repository may hold
            ClusterCommits commits = source.cluster() == null ? null : commits(source);
            RecoveryStatus status;
            try (Repository repository = source.open().get()) {
                status = RecoveryStatus.read(repository, commits, clock);
            }
            String label = source.label();
            set(backupLastSuccess, label, status.newestBackupEnded());
            if (status.lastDrillRtoSeconds() != null) {
                drillRto.labelValues(label).set(status.lastDrillRtoSeconds());
            }
            set(restorableCommit, label, status.rpo().newestRestorable());
            if (status.rpo().seconds() != null) {
                rpo.labelValues(label).set(status.rpo().seconds());
            } else {
                rpo.remove(label); // not measured now: no stale value
            }
            up.labelValues(label).set(1);
            if (commits != null || source.cluster() == null) {
                logged.remove(source.label());
            }
            lastRead.labelValues(label).set(clock.millis() / 1000.0);
        } catch (RuntimeException e) {
            up.labelValues(source.label()).set(0);
            logOnce(source.label(), "metrics: cannot read " + source.label() + ": " + e.getMessage());
        }
    }

    private ClusterCommits commits(Source source) {
        try (ClusterSession session = ClusterSession.connect(source.cluster())) {
            return ClusterCommits.ask(session);
        } catch (RuntimeException e) {
            logOnce(source.label(), "metrics: cannot ask the cluster for the RPO of " + source.label() + ": " + e.getMessage());
            return null;
        }
    }

    private void logOnce(String label, String line) {
        if (!line.equals(logged.put(label, line))) {
            log.accept(line);
        }
    }

    private static void set(Gauge gauge, String label, Instant when) {
        if (when != null) {
            gauge.labelValues(label).set(when.toEpochMilli() / 1000.0);
        }
    }

    private static Gauge gauge(PrometheusRegistry registry, String name, String help, Unit unit) {
        Gauge.Builder builder = Gauge.builder().name(name).help(help).labelNames("repository");
        if (unit != null) {
            builder.unit(unit);
        }
        return builder.register(registry);
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
