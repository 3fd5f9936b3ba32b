package dev.lifeboat.core.pg;

/** Hears each step of a server start as it happens, e.g. to print progress during a restore. */
@FunctionalInterface
public interface StartupListener {

    /** Ignores every step. */
    StartupListener NONE = progress -> { };

    /** Called on the waiting thread; must return quickly. */
    void onProgress(StartupProgress progress);
}
