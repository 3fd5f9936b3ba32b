package dev.lifeboat.cli.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * `bin/lifeboat schedule run` as a real process, its output going to a file the test reads
 * while it runs. close() makes sure it is gone.
 */
final class ScheduleDaemonProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private ScheduleDaemonProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static ScheduleDaemonProcess start(Path config, Path output) {
        ProcessBuilder builder = new ProcessBuilder(Lifeboat.launcher().toString(), "schedule", "run", "--config", config.toString());
        builder.environment().remove("LIFEBOAT_CONFIG");
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return new ScheduleDaemonProcess(process, output);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the schedule daemon", e);
        }
    }

    List<String> lines() {
        try {
            return Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Waits until a line matches; fails with the output so far. */
    String awaitLine(Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                break;
            }
            ArchivingCluster.sleep(100);
        }
        throw new AssertionError("no such line from the daemon within " + timeout + (process.isAlive() ? "" : " (it exited)")
                + "; output:\n" + String.join("\n", lines()));
    }

    long count(Predicate<String> wanted) {
        return lines().stream().filter(wanted).count();
    }

    /** SIGTERM, then waits for the exit status. */
    int terminate(Duration timeout) {
        process.destroy();
        return await(timeout);
    }

    /** Waits for the daemon to exit by itself (e.g. refused at start), with its exit status. */
    int awaitExit(Duration timeout) {
        return await(timeout);
    }

    /** SIGKILL: the host dies. */
    void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
    }

    private int await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the daemon did not stop within " + timeout + "; output:\n" + String.join("\n", lines()));
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
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
