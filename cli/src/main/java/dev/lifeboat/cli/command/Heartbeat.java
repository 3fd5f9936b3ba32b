package dev.lifeboat.cli.command;

import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.schedules.JobDefinition;
import dev.lifeboat.schedules.JobEvents;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A dead man's switch for an outside watcher (healthchecks.io, Uptime Kuma, a Pushgateway): a GET
 * of the URL on an interval and after every job that succeeded; a POST to URL/fail, the reason as
 * its body, after a job that failed. When the pings stop (the host or the process died), the
 * watcher raises the alarm. A ping that cannot be delivered is logged and never stops the daemon.
 * The URL may hold a token: it is never logged, only its host.
 */
final class Heartbeat implements AutoCloseable, JobEvents {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final Consumer<String> log;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeboat-heartbeat");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts pinging every {@code every}; {@code problem} says, at each interval, what is wrong
     * (a failure ping) or nothing (a success ping).
     */
    static Heartbeat start(URI url, Duration every, Supplier<Optional<String>> problem, Consumer<String> log) {
        Heartbeat heartbeat = new Heartbeat(url, log);
        heartbeat.timer.scheduleAtFixedRate(() -> heartbeat.ping(problem.get()), 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    private Heartbeat(URI url, Consumer<String> log) {
        this.url = url;
        this.log = log;
    }

    @Override
    public void finished(JobRun run) {
        ping(run.outcome() == JobRun.Outcome.SUCCEEDED ? Optional.empty()
                : Optional.of("job " + run.job() + " " + run.outcome().name().toLowerCase(java.util.Locale.ROOT)
                + (run.error() == null ? "" : ": " + run.error())));
    }

    @Override
    public void unrecorded(JobDefinition job, String error) {
        ping(Optional.of("job " + job.name() + " could not run: " + error));
    }

    private void ping(Optional<String> problem) {
        HttpRequest request = problem.isEmpty()
                ? HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build()
                : HttpRequest.newBuilder(failUrl()).timeout(TIMEOUT).header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(problem.get(), StandardCharsets.UTF_8)).build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 300) {
                log.accept("heartbeat to " + url.getHost() + " answered HTTP " + status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.accept("heartbeat to " + url.getHost() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage().replace(url.toString(), url.getHost())));
        }
    }

    /** healthchecks.io's form: the ping URL with /fail appended (before any query). */
    private URI failUrl() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "" : url.getRawPath();
        String withFail = (path.endsWith("/") ? path + "fail" : path + "/fail");
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + withFail + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
