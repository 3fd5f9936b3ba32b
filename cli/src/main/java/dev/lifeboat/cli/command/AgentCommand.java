package dev.lifeboat.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.agent.AgentListener;
import dev.lifeboat.core.agent.AgentSettings;
import dev.lifeboat.core.agent.ArchiveDestination;
import dev.lifeboat.core.agent.StreamSettings;
import dev.lifeboat.core.agent.WalAgent;
import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.pg.ReplicationSlots;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.wal.WalSegmentSize;
import dev.lifeboat.schedules.metrics.ArchiveMetrics;
import dev.lifeboat.schedules.metrics.MetricsEndpoint;
import dev.lifeboat.schedules.metrics.RepositoryMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Archive a cluster's WAL ahead of PostgreSQL (in the foreground; one agent per cluster).",
                "It watches pg_wal/archive_status and stores every ready file at once, in parallel, so that",
                "the unchanged archive_command '.../bin/lifeboat wal-push --repo R %%p' answers without a JVM.",
                "Give --repo exactly as archive_command does. SIGTERM or Ctrl-C stops it once the pushes",
                "under way are done. Without an agent, wal-push works on its own.",
                "With --metrics-address, Prometheus metrics of archiving, the repository and the RPO are served at /metrics."})
public final class AgentCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "WAL files stored at once (default: number of CPUs + 1).")
    Integer jobs;

    @Option(names = "--stream", description = {"Also receive WAL over the replication protocol, through a physical slot:",
            "the segment still being written is stored within --stream-interval of a commit."})
    boolean stream;

    @Option(names = "--slot", paramLabel = "NAME", defaultValue = StreamSettings.DEFAULT_SLOT,
            description = "Physical replication slot to create and stream through (default: ${DEFAULT-VALUE}).")
    String slot;

    @Option(names = "--stream-interval", converter = NumberValues.PositiveLong.class, paramLabel = "MILLIS", defaultValue = "500",
            description = "How often streamed WAL is stored when some arrived (default: ${DEFAULT-VALUE}).")
    long streamIntervalMillis;

    @Option(names = "--drop-slot", description = "Drop the replication slot (--slot) and exit: do this when you stop streaming for good.")
    boolean dropSlot;

    @Option(names = "--report-every", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS", defaultValue = "60",
            description = "Print a summary line this often when something was archived (default: ${DEFAULT-VALUE}).")
    long reportEverySeconds;

    @Mixin
    HeartbeatOptions heartbeat;

    @Mixin
    MetricsOptions metrics;

    public AgentCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (dropSlot) {
            return dropSlot();
        }
        AgentSettings settings = AgentSettings.defaults(cluster.pgdata().toAbsolutePath().normalize());
        if (jobs != null && jobs > 0) {
            settings = settings.withJobs(jobs);
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        Optional<MetricsEndpoint> endpoint = metrics.serve(registry); // first: an address in use stops it before any work
        try {
            return run(settings, registry, endpoint);
        } finally {
            endpoint.ifPresent(MetricsEndpoint::close);
        }
    }

    private int run(AgentSettings settings, PrometheusRegistry registry, Optional<MetricsEndpoint> endpoint) {
        try (Repository repository = repo.open()) {
            if (stream) {
                RepositoryDescriptor d = repository.descriptor();
                settings = settings.withStream(new StreamSettings(cluster.connection(context.env()), slot,
                        Duration.ofMillis(Math.max(50, streamIntervalMillis)), d.systemIdentifier(), new WalSegmentSize(d.walSegmentSize())));
            }
            CountDownLatch stop = new CountDownLatch(1);
            StopSignals.onTermination(stop::countDown);
            Log log = new Log();
            AtomicReference<WalAgent> running = new AtomicReference<>();
            AgentListener listener = endpoint.isEmpty() ? log : new ArchiveMetrics(registry, repo.location(),
                    () -> running.get() == null ? 0 : running.get().status().ready()).around(log);
            WalAgent agent = WalAgent.start(settings, ArchiveDestination.of(repository, repo.location()), repo.launcherRepository(), listener);
            running.set(agent);
            Optional<RepositoryMetrics> repositoryMetrics = endpoint.map(e -> RepositoryMetrics.start(registry,
                    List.of(new RepositoryMetrics.Source(repo.location(), repo::open, cluster.connection(context.env()))),
                    MetricsOptions.REPOSITORY_READ_EVERY, Clock.systemUTC(), text -> log.event("note", text, Map.of())));
            log.event("started", "archiving " + settings.pgdata() + " into " + repo.location() + " with " + settings.jobs()
                    + " jobs" + (stream ? ", streaming through slot " + slot : "") + " (pid " + ProcessHandle.current().pid() + ")"
                    + (endpoint.isEmpty() ? "" : "; metrics on " + metrics.address + " at /metrics"), Map.of());
            WalAgent.Status reported = agent.status();
            Optional<Heartbeat> beat = heartbeat.start(new FailingSinceLastPing(agent), text -> log.event("heartbeat", text, Map.of()));
            try {
                while (!stop.await(Math.max(1, reportEverySeconds), TimeUnit.SECONDS)) {
                    reported = report(log, agent.status(), reported);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            beat.ifPresent(Heartbeat::close);
            repositoryMetrics.ifPresent(RepositoryMetrics::close);
            log.event("stopping", "stopping: finishing the pushes under way", Map.of());
            agent.close();
            report(log, agent.status(), reported);
            log.event("stopped", "stopped", Map.of());
        }
        return 0;
    }

    private int dropSlot() {
        ConnectionSettings connection = cluster.connection(context.env());
        boolean dropped;
        try (ClusterSession session = ClusterSession.connect(connection)) {
            dropped = new ReplicationSlots(session).drop(slot);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("slot", slot);
        result.put("dropped", dropped);
        print(result, out -> out.println(dropped ? "dropped replication slot " + slot : "there is no replication slot " + slot));
        return 0;
    }

    private WalAgent.Status report(Log log, WalAgent.Status now, WalAgent.Status before) {
        long files = now.stored() - before.stored();
        long failures = now.failures() - before.failures();
        boolean streamed = now.streamedUpTo() != null && !now.streamedUpTo().equals(before.streamedUpTo());
        if (files > 0 || failures > 0 || streamed) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("files", files);
            fields.put("bytes", now.storedBytes() - before.storedBytes());
            fields.put("failures", failures);
            fields.put("ready", now.ready());
            if (now.streamedUpTo() != null) {
                fields.put("streamedUpTo", now.streamedUpTo());
            }
            log.event("archived", String.format("archived %d files (%s), %d failures; %d ready%s", files,
                    InfoCommand.size(now.storedBytes() - before.storedBytes()), failures, now.ready(),
                    now.streamedUpTo() == null ? "" : "; streamed WAL stored up to " + now.streamedUpTo()), fields);
        }
        return now;
    }

    /** For the heartbeat: archiving failed since the last ping and stored nothing, else all is well. */
    private static final class FailingSinceLastPing implements java.util.function.Supplier<Optional<String>> {
        private final WalAgent agent;
        private WalAgent.Status last;

        FailingSinceLastPing(WalAgent agent) {
            this.agent = agent;
            this.last = agent.status();
        }

        @Override
        public synchronized Optional<String> get() {
            WalAgent.Status now = agent.status();
            long failures = now.failures() - last.failures();
            boolean stored = now.stored() > last.stored();
            last = now;
            return failures > 0 && !stored ? Optional.of(failures + " archive failures and nothing archived since the last ping; "
                    + now.ready() + " WAL files ready") : Optional.empty();
        }
    }

    /** One line per event: text for people and journald, a JSON object per line with --output json. */
    private final class Log implements AgentListener {

        @Override
        public void failed(String fileName, RuntimeException problem) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("file", fileName);
            fields.put("problem", String.valueOf(problem.getMessage()));
            event("failed", "cannot archive " + fileName + ": " + problem.getMessage() + " (trying again later)", fields);
        }

        @Override
        public void stored(WalPushService.Result result) {
            // counted in the summary lines
        }

        @Override
        public void note(String message) {
            event("note", message, Map.of());
        }

        synchronized void event(String kind, String text, Map<String, Object> fields) {
            String time = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
            if (json()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("time", time);
                line.put("event", kind);
                line.put("message", text);
                line.putAll(fields);
                try {
                    out().println(Json.mapper().writeValueAsString(line));
                } catch (JsonProcessingException e) {
                    out().println("{\"event\":\"" + kind + "\"}");
                }
            } else {
                ("failed".equals(kind) ? err() : out()).println(time + " " + text);
            }
            out().flush();
            err().flush();
        }
    }

}
