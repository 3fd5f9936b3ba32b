package dev.lifeboat.core;

/**
 * Where long work reports how far it got. The command line draws it on a terminal and stays
 * quiet otherwise; services never print.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
    };

    /** A named step started (e.g. "copying files", "waiting for WAL"). */
    default void step(String description) {
    }

    /** Units of work done out of total (bytes, files); total is -1 when unknown. */
    default void advance(String what, long done, long total) {
    }
}
