package dev.lifeboat.schedules;

import dev.lifeboat.storage.RequestLog;
import dev.lifeboat.storage.StoreSettings;
import dev.lifeboat.storage.TransferRate;

import java.time.Duration;
import java.util.Locale;

/**
 * How a job's stores are opened: with the store settings a command reads from its flags, here
 * from the job's keys of the same names (the job's own, its command's section of the
 * configuration file, or the file's top level): {@code max-rate}, {@code request-timeout}
 * (plain numbers are seconds, as for the command) and {@code log-requests}. One run makes its
 * settings once, so that one rate limit covers every store the run opens.
 */
final class JobStorage {

    static final String MAX_RATE = "max-rate";
    static final String REQUEST_TIMEOUT = "request-timeout";
    static final String LOG_REQUESTS = "log-requests";

    private JobStorage() {
    }

    /** The job's store settings; {@code log} hears each request when the job asks for log-requests (null: nowhere). */
    static StoreSettings settings(JobDefinition job, RequestLog log) {
        StoreSettings settings = StoreSettings.DEFAULTS;
        TransferRate rate = job.setting(MAX_RATE).map(TransferRate::parse).orElse(null);
        if (rate != null) {
            settings = settings.withMaxRate(rate);
        }
        Duration timeout = job.setting(REQUEST_TIMEOUT).map(BackupTask::timeout).orElse(null);
        if (timeout != null) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request-timeout must be longer than zero, not " + job.setting(REQUEST_TIMEOUT).get());
            }
            settings = settings.withRequestTimeout(timeout);
        }
        if (logRequests(job) && log != null) {
            settings = settings.withRequestLog(log);
        }
        return settings;
    }

    /** Refuses a bad value before the daemon starts. */
    static void check(JobDefinition job) {
        try {
            settings(job, null);
        } catch (IllegalArgumentException e) {
            throw TaskCatalog.badSetting(job, e.getMessage(), "e.g. max-rate: 50MB/s, request-timeout: 120");
        }
    }

    private static boolean logRequests(JobDefinition job) {
        String value = job.setting(LOG_REQUESTS).orElse("false").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("log-requests must be true or false, not '" + value + "'");
        };
    }
}
