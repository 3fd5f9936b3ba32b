package dev.lifeboat.core.agent;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an agent runs.
 *
 * @param pgdata the cluster's data directory (its pg_wal holds the ready files)
 * @param jobs   WAL files stored at once
 * @param poll   how often the ready files and the launcher's requests are looked at
 * @param stream streaming settings, or null for archiving only
 */
public record AgentSettings(Path pgdata, int jobs, Duration poll, StreamSettings stream) {

    public AgentSettings {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    /**
     * One job more than there are CPUs: a push spends part of its time waiting for the disk or
     * the store, and with one job per CPU that time was idle CPU (measured with
     * bench/wal-archive.sh on 2 CPUs: 2 jobs drain 25 segments/s, 3 jobs 28).
     */
    public static AgentSettings defaults(Path pgdata) {
        return new AgentSettings(pgdata, dev.lifeboat.core.Parallelism.cpus() + 1, Duration.ofMillis(20), null);
    }

    public AgentSettings withJobs(int jobs) {
        return new AgentSettings(pgdata, jobs, poll, stream);
    }

    public AgentSettings withStream(StreamSettings stream) {
        return new AgentSettings(pgdata, jobs, poll, stream);
    }
}
