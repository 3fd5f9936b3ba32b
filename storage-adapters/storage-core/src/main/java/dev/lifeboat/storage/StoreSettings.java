package dev.lifeboat.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link BlobStores#open(String, StoreSettings)} decorates an adapter: every setting is a
 * decorator, and the same settings (with the same {@link Bandwidth} objects) can be given to
 * every store a command opens, so that one rate limit covers all of them.
 *
 * @param retry          how transient failures are retried
 * @param requestTimeout how long a request may hang (a put: without progress), or null for no limit
 * @param uploads        the budget that puts draw on, or null for unlimited
 * @param downloads      the budget that gets draw on, or null for unlimited
 * @param requestLog     where to write a line per request, or null for no logging
 */
public record StoreSettings(RetryPolicy retry, Duration requestTimeout, Bandwidth uploads, Bandwidth downloads,
                            RequestLog requestLog) {

    /** Two minutes: far beyond any answer a working store gives, short of an archiver stuck for good. */
    public static final String DEFAULT_REQUEST_TIMEOUT_SECONDS = "120";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(Long.parseLong(DEFAULT_REQUEST_TIMEOUT_SECONDS));

    /** What every command gets unless told otherwise: retries, the default request timeout, no limit, no log. */
    public static final StoreSettings DEFAULTS = new StoreSettings(RetryPolicy.DEFAULT, DEFAULT_REQUEST_TIMEOUT, null, null, null);

    public StoreSettings {
        Objects.requireNonNull(retry, "retry");
    }

    /** These settings with {@code rate} for uploads and downloads alike (one budget for each direction). */
    public StoreSettings withMaxRate(TransferRate rate) {
        return rate == null ? new StoreSettings(retry, requestTimeout, null, null, requestLog)
                : new StoreSettings(retry, requestTimeout, new Bandwidth(rate), new Bandwidth(rate), requestLog);
    }

    public StoreSettings withRequestLog(RequestLog log) {
        return new StoreSettings(retry, requestTimeout, uploads, downloads, log);
    }

    public StoreSettings withRequestTimeout(Duration timeout) {
        return new StoreSettings(retry, timeout, uploads, downloads, requestLog);
    }

    public StoreSettings withRetry(RetryPolicy policy) {
        return new StoreSettings(policy, requestTimeout, uploads, downloads, requestLog);
    }
}
