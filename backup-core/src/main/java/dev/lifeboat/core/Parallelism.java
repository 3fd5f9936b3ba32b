package dev.lifeboat.core;

/**
 * How many objects a backup, restore, drill or verify moves at once unless told otherwise:
 * one per CPU, since each object is compressed or checksummed as it goes.
 */
public final class Parallelism {

    private Parallelism() {
    }

    /** The number of CPUs this JVM may use. */
    public static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@code jobs} when it is a positive number, else one per CPU. */
    public static int jobsOrCpus(Integer jobs) {
        return jobs != null && jobs > 0 ? jobs : cpus();
    }
}
