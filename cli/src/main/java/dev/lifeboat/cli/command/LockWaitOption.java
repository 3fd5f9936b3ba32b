package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.TextValues;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * How long backup, expire and replicate wait for the repository lock that another of them
 * holds. By default they do not wait: they exit 14 naming the holder, so that runs from cron
 * never pile up behind a long backup.
 */
public final class LockWaitOption {

    @Option(names = "--lock-wait", converter = TextValues.LockWait.class, paramLabel = "DURATION", defaultValue = "0",
            description = {"Wait up to this long (e.g. 90s, 15m; plain numbers are seconds) while another backup, expire or",
                    "replicate holds the repository's lock (default: ${DEFAULT-VALUE}: exit 14 at once, naming it)."})
    String lockWait;

    Duration duration() {
        return TextValues.LockWait.parse(lockWait); // checked while the command line was read
    }
}
