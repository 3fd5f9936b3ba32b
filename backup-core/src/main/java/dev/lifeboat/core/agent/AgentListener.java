package dev.lifeboat.core.agent;

import dev.lifeboat.core.archive.WalPushService;

/** What the agent tells whoever hosts it (the command line logs it; the scheduler daemon may count it). */
public interface AgentListener {

    AgentListener NONE = new AgentListener() {
    };

    /** A WAL file is durably stored (or was found stored). */
    default void stored(WalPushService.Result result) {
    }

    /** Storing a WAL file failed; it is tried again later, and PostgreSQL's own call reports it too. */
    default void failed(String fileName, RuntimeException problem) {
    }

    /** Something worth a line in the log that is not about one file (streaming connected, slot created). */
    default void note(String message) {
    }
}
