package dev.lifeboat.core.jobs;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a run that some process recorded is going on now. Runs of this JVM are known exactly;
 * a run of another process on this host is under way while that process lives; a run on another
 * host cannot be asked about, so it counts as over (the scheduler cluster declared it dead, or it
 * is a leftover).
 */
final class RunsUnderWay {

    /** Runs under way in this JVM (host/pid/job/runKey): a marker of this process not listed here is stale. */
    private static final Set<String> HERE = ConcurrentHashMap.newKeySet();

    private final LocalProcesses processes;

    RunsUnderWay(LocalProcesses processes) {
        this.processes = processes;
    }

    /** This process starts the run (before its marker or claim is written, so that it never looks stale). */
    void enter(String job, String runKey) {
        HERE.add(key(job, runKey));
    }

    /** This process is done with the run, or never started it. */
    void leave(String job, String runKey) {
        HERE.remove(key(job, runKey));
    }

    boolean underWay(String job, String runKey, String host, long pid, Instant since) {
        if (!processes.host().equals(host)) {
            return false;
        }
        if (pid == processes.pid()) {
            return HERE.contains(key(job, runKey));
        }
        return since != null && processes.alive(pid, since);
    }

    boolean underWay(JobRun run, String runKey) {
        return underWay(run.job(), runKey, run.host(), run.pid(), run.startTime());
    }

    private String key(String job, String runKey) {
        return processes.host() + "/" + processes.pid() + "/" + job + "/" + runKey;
    }
}
