package dev.lifeboat.schedules;

import java.util.List;

/**
 * How a server started by a job (a drill's scratch instance) calls this Lifeboat back for
 * WAL: the command (bin/lifeboat) and the options every such call needs (--config FILE).
 */
public record LifeboatCall(List<String> command, List<String> options) {

    public LifeboatCall {
        command = List.copyOf(command);
        options = List.copyOf(options);
    }
}
