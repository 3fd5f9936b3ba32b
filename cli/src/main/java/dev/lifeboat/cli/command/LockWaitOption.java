package dev.lifeboat.cli.command;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.retention.DurationText;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * How long backup, expire and replicate wait for the repository lock that another of them
 * holds. By default they do not wait: they exit 14 naming the holder, so that runs from cron
 * never pile up behind a long backup.
 */
public final class LockWaitOption {

    @Option(names = "--lock-wait", paramLabel = "DURATION", defaultValue = "0",
            description = {"Wait up to this long (e.g. 90s, 15m; plain numbers are seconds) while another backup, expire or",
                    "replicate holds the repository's lock (default: ${DEFAULT-VALUE}: exit 14 at once, naming it)."})
    String lockWait;

    Duration duration() {
        Duration d;
        try {
            d = lockWait.strip().matches("\\d+") ? Duration.ofSeconds(Long.parseLong(lockWait.strip())) : DurationText.parse(lockWait);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--lock-wait: " + e.getMessage(), "e.g. --lock-wait 15m");
        }
        if (d.isNegative()) {
            throw new LifeboatException(ErrorCode.USAGE, "--lock-wait must not be negative, not " + lockWait, "e.g. --lock-wait 15m");
        }
        return d;
    }
}
