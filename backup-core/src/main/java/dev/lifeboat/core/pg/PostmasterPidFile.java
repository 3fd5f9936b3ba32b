package dev.lifeboat.core.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a running postmaster says about itself in {@code postmaster.pid}: its process id and,
 * on line 8, its state ("starting", "standby" = consistent and accepting read-only
 * connections during recovery, "ready", "stopping"). Reading it tells how far start-up got
 * without opening connections, each of which would leave a FATAL line in the server log while
 * the server is still starting.
 *
 * @param pid the postmaster's process id
 * @param startTime line 3, the postmaster's start time (tells a new file from a stale one
 *     with a reused pid)
 * @param status the state on line 8, or "" before the postmaster has written one
 * @param port line 4, the port it listens on, or 0 before it has written one
 */
record PostmasterPidFile(long pid, String startTime, String status, int port) {

    PostmasterPidFile(long pid, String startTime, String status) {
        this(pid, startTime, status, 0);
    }

    static final String FILE_NAME = "postmaster.pid";

    /** The file's content, or empty when there is none (no server, or not yet written). */
    static Optional<PostmasterPidFile> read(Path dataDirectory) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // Unreadable counts as absent: callers poll again.
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return Optional.empty(); // Being written right now.
        }
        String startTime = lines.size() >= 3 ? lines.get(2).strip() : "";
        String status = lines.size() >= 8 ? lines.get(7).strip() : "";
        int port = 0;
        if (lines.size() >= 4 && lines.get(3).strip().matches("\\d{1,5}")) {
            port = Integer.parseInt(lines.get(3).strip());
        }
        return Optional.of(new PostmasterPidFile(pid, startTime, status, port));
    }

    /** Whether this and {@code other} were written by the same postmaster. */
    boolean sameServer(PostmasterPidFile other) {
        return pid == other.pid && startTime.equals(other.startTime);
    }

    /** Whether the server accepts connections (read-only ones, while in recovery). */
    boolean acceptsConnections() {
        return status.equals("ready") || status.equals("standby");
    }

    /** Whether the process is alive; a zombie, which no parent has reaped yet, is not. */
    boolean processAlive() {
        return isAlive(pid);
    }

    static boolean isAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                String text = Files.readString(stat, StandardCharsets.UTF_8);
                // "pid (comm) S ...": the state follows the last ')'.
                String afterName = text.substring(text.lastIndexOf(')') + 1).strip();
                char state = afterName.isEmpty() ? '?' : afterName.charAt(0);
                return state != 'Z' && state != 'X' && state != 'x';
            } catch (IOException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
