package dev.lifeboat.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** `bin/lifeboat agent` running in the background, as systemd would run it, with its output in a log file. */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the agent and waits until it has said it started. */
    static AgentProcess start(Path log, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Lifeboat.launcher().toString());
        command.add("agent");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("LIFEBOAT_CONFIG");
        try {
            AgentProcess agent = new AgentProcess(builder.start(), log);
            try {
                agent.awaitLog("archiving ", Duration.ofSeconds(60));
            } catch (AssertionError e) {
                agent.close();
                throw e;
            }
            return agent;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command, e);
        }
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }

    public void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("the agent exited (" + process.exitValue() + ") before logging '" + text + "':\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the agent did not log '" + text + "' within " + timeout.toSeconds() + " s:\n" + log());
            }
            ArchivingCluster.sleep(50);
        }
    }

    /**
     * The most memory the agent has held at once since it started (VmHWM, in bytes), as the
     * kernel counts it: heap, the JVM's own memory, native libraries. The launcher execs the JVM,
     * so the process started here is the agent itself.
     */
    public long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            throw new AssertionError("no VmHWM in /proc/" + process.pid() + "/status");
        } catch (IOException e) {
            throw new AssertionError("cannot read the agent's memory (is it running?): " + e.getMessage(), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no chance to finish anything. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM, as systemd stops it; returns the exit status. */
    public int stop() {
        process.destroy();
        return waitFor();
    }

    private int waitFor() {
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the agent did not stop:\n" + log());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor();
        }
    }
}
