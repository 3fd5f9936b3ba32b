package dev.lifeboat.schedules;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The whole schedule of a configuration file.
 *
 * @param jobStore          the shared database of a clustered schedule; empty: in memory, one host
 * @param threads           jobs that may run at once (different jobs; one job never runs twice at once)
 * @param checkinInterval   how often a clustered daemon says it is alive; a daemon silent for
 *                          longer is taken as dead and its jobs taken over
 * @param misfireThreshold  a trigger later than this is a misfire: it runs once, now
 */
public record ScheduleDefinition(List<JobDefinition> jobs, Optional<JobStoreSettings> jobStore, int threads,
                                 Duration checkinInterval, Duration misfireThreshold) {

    public Optional<JobDefinition> job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }
}
