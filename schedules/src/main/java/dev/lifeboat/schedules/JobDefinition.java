package dev.lifeboat.schedules;

import java.util.Map;
import java.util.Optional;

/**
 * One job of the schedule, with every setting its service needs already resolved (the job's
 * own keys, then its command's section of the configuration file, then top-level keys).
 *
 * @param settings option names without dashes (repo, pgdata, pg-port, type, keep-full ...)
 */
public record JobDefinition(String name, JobKind kind, JobTiming timing, Map<String, String> settings) {

    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
    }

    public String repository() {
        return settings.get("repo");
    }

    /** What distinguishes one definition from another for the job store: a changed one is rescheduled. */
    public String fingerprint() {
        return kind.jsonName() + "|" + timing.describe() + "|" + new java.util.TreeMap<>(settings);
    }
}
