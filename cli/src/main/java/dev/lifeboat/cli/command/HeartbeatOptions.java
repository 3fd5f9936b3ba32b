package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.retention.DurationText;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** --heartbeat-url and --heartbeat-every, for the long-running commands (schedule run, agent). */
public final class HeartbeatOptions {

    @Option(names = "--heartbeat-url", paramLabel = "URL",
            description = {"Ping this http(s) URL every --heartbeat-every and after every job (GET; after a failure a POST",
                    "to URL/fail with the reason), healthchecks.io style. It may hold a token: prefer",
                    "LIFEBOAT_HEARTBEAT_URL or the configuration key heartbeat-url to the command line."})
    String url;

    @Option(names = "--heartbeat-every", converter = TextValues.PositiveDuration.class, paramLabel = "DURATION", defaultValue = "60s",
            description = "How often to ping --heartbeat-url (default: ${DEFAULT-VALUE}).")
    String every;

    /** The heartbeat, started, or none when no URL is set. */
    Optional<Heartbeat> start(Supplier<Optional<String>> problem, Consumer<String> log) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new LifeboatException(ErrorCode.USAGE, "--heartbeat-url must be an http or https URL",
                    "e.g. https://hc-ping.com/<uuid>");
        }
        Duration interval = DurationText.parse(every);
        return Optional.of(Heartbeat.start(uri, interval, problem, log));
    }
}
