package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.StoreSettings;
import dev.lifeboat.storage.TransferRate;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/**
 * How a command talks to stores: a bandwidth limit, a request timeout, a log of requests. Each
 * is a decorator that {@link BlobStores#open(String, StoreSettings)} stacks around any adapter;
 * one limit covers every store the command opens.
 */
public final class StoreOptions {

    @Option(names = "--max-rate", converter = TextValues.Rate.class, paramLabel = "RATE",
            description = "Most bytes per second to upload, and to download, e.g. 50MB/s (default: no limit).")
    String maxRate;

    @Option(names = "--request-timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS",
            description = "Give up on a store request that hangs this long (an upload: without progress) and retry (default: "
                    + StoreSettings.DEFAULT_REQUEST_TIMEOUT_SECONDS + ").")
    Long requestTimeoutSeconds;

    @Option(names = "--log-requests", description = "Print one line per store request on stderr (what, key, bytes, time, outcome).")
    boolean logRequests;

    @Mixin
    KeyOptions keyOptions = new KeyOptions();

    private StoreSettings settings;

    /** The key that opens encrypted repositories (plain ones ignore it). */
    KeyEncryptionKeySource keys(CliContext context) {
        return keyOptions.source(context);
    }

    /** The settings, made once per command so that every store shares one rate limit. */
    synchronized StoreSettings settings(CliContext context) {
        if (settings == null) {
            StoreSettings s = StoreSettings.DEFAULTS;
            if (maxRate != null && !maxRate.isBlank()) {
                s = s.withMaxRate(TransferRate.parse(maxRate)); // checked while the options were read
            }
            if (requestTimeoutSeconds != null) {
                s = s.withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds));
            }
            if (logRequests) {
                s = s.withRequestLog(line -> {
                    synchronized (context.err()) {
                        context.err().println("lifeboat: " + line);
                        context.err().flush();
                    }
                });
            }
            settings = s;
        }
        return settings;
    }

    BlobStore open(CliContext context, String location) {
        return BlobStores.open(location, settings(context));
    }
}
