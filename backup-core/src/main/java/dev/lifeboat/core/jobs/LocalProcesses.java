package dev.lifeboat.core.jobs;

import java.time.Instant;

/**
 * The process recording job runs (its host and pid), and whether another process on the same
 * host is still alive. A process on another host cannot be asked: its run counts as over once
 * the scheduler has taken that host for dead (that is what a recovery re-run means).
 */
public interface LocalProcesses {

    String host();

    long pid();

    /**
     * True when process {@code pid} of this host is alive and was started no later than
     * {@code since} (a later start is a reused pid, not the process that recorded the run).
     */
    boolean alive(long pid, Instant since);

    /** This JVM on this machine. */
    static LocalProcesses current() {
        return Current.INSTANCE;
    }

    enum Current implements LocalProcesses {
        INSTANCE;

        private final String host = dev.lifeboat.core.LifeboatVersion.host();

        @Override
        public String host() {
            return host;
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public boolean alive(long pid, Instant since) {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    // an unknown start time counts as alive: better one skipped run than one run twice
                    .map(p -> p.info().startInstant().map(start -> !start.isAfter(since)).orElse(true))
                    .orElse(false);
        }
    }
}
