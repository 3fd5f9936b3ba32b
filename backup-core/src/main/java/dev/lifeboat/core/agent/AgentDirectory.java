package dev.lifeboat.core.agent;

import dev.lifeboat.core.pg.DataDirectoryOwner;
import dev.lifeboat.core.pg.HandOffFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files through which the agent and {@code bin/lifeboat wal-push} talk. The launcher is
 * a POSIX shell script that must answer PostgreSQL's archive_command in milliseconds with
 * nothing but Debian's base tools, so the protocol is plain files, written atomically
 * (temporary name, then rename), in {@code <pgdata>/pg_wal/.lifeboat/push/}. The launcher
 * finds it from {@code %p} ({@code pg_wal/NAME}) alone. PostgreSQL ignores a directory in
 * pg_wal, and base backups (Lifeboat's, pg_basebackup's) leave pg_wal's contents out.
 *
 * <pre>
 * lock              held (fcntl) by the running agent: one agent per data directory
 * repository        the --repo text the agent serves, and on a second line its --key-file text
 *                   (absent when none); the launcher uses nothing here unless its own --repo and
 *                   --key-file are exactly these ({@link dev.lifeboat.core.archive.LauncherRepository})
 * heartbeat         touched every second while the agent runs; older than 3 s means no agent
 * stored/NAME       "SIZE INODE CTIME SHA256": NAME is durably stored in the repository, and the
 *                   bytes were those of the file with this identity (stat -c '%s %i %.9Z').
 *                   Written only after the store confirmed. The launcher acknowledges NAME
 *                   when the identity of pg_wal/NAME is the same; anything else (another inode,
 *                   a change since) is not trusted.
 * requests/NAME     the launcher asks for NAME now (an empty file, created in place); the
 *                   agent stores it, writes stored/NAME (or failed/NAME) and removes the request
 * failed/NAME       the agent could not store NAME: one line saying why. The launcher then runs
 *                   the JVM wal-push itself, which reports the error to PostgreSQL's log.
 * </pre>
 *
 * When the agent runs as root, the directories are given to the data directory's owner, who
 * runs the launcher.
 */
public final class AgentDirectory {

    /** Relative to pg_wal. */
    public static final String RELATIVE_PATH = ".lifeboat/push";

    private final Path root;
    private final DataDirectoryOwner ownership;
    private FileChannel lockChannel;

    private AgentDirectory(Path root, DataDirectoryOwner ownership) {
        this.root = root;
        this.ownership = ownership;
    }

    /** The agent directory of the cluster in {@code pgdata}. */
    public static AgentDirectory of(Path pgdata) {
        Path walDirectory = pgdata.resolve("pg_wal");
        return new AgentDirectory(walDirectory.resolve(RELATIVE_PATH), DataDirectoryOwner.of(pgdata));
    }

    public Path root() {
        return root;
    }

    /**
     * Takes the directory for this process: false when another agent holds it. The lock goes
     * with the process, however it ends.
     */
    public synchronized boolean lock() throws IOException {
        ownership.createDirectories(root.getParent());
        ownership.createDirectories(root);
        FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                channel.close();
                return false;
            }
        } catch (OverlappingFileLockException e) {
            channel.close();
            return false;
        }
        lockChannel = channel;
        return true;
    }

    public synchronized void unlock() {
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // released with the process anyway
            }
            lockChannel = null;
        }
    }

    /**
     * Creates the directories, forgets whatever an earlier agent left (markers are recreated
     * as the ready files are pushed again, which finds them stored) and records the repository.
     */
    public void prepare(String repositoryLocation) throws IOException {
        prepare(dev.lifeboat.core.archive.LauncherRepository.of(repositoryLocation));
    }

    /** As {@link #prepare(String)}, for a repository the launcher names with these words. */
    public void prepare(dev.lifeboat.core.archive.LauncherRepository served) throws IOException {
        ownership.createDirectories(root.getParent());
        ownership.createDirectories(root);
        for (String sub : List.of("stored", "requests", "failed")) {
            Path dir = root.resolve(sub);
            ownership.createDirectories(dir);
            clear(dir);
        }
        HandOffFiles.write(ownership, root.resolve("repository"), served.fileText());
    }

    /** Records that {@code name}, with this identity and checksum, is durably stored. */
    public void markStored(String name, FileIdentity identity, String sha256) throws IOException {
        HandOffFiles.write(ownership, root.resolve("stored").resolve(name), identity.text() + " " + sha256 + "\n");
    }

    public Optional<String> storedMarker(String name) {
        try {
            return Optional.of(Files.readString(root.resolve("stored").resolve(name), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void forgetStored(String name) {
        HandOffFiles.deleteQuietly(root.resolve("stored").resolve(name));
    }

    /** Names with a stored marker. */
    public List<String> storedNames() {
        return HandOffFiles.names(root.resolve("stored"));
    }

    /** Names the launcher asked for, in name order. */
    public List<String> requests() {
        return HandOffFiles.names(root.resolve("requests"));
    }

    public void removeRequest(String name) {
        HandOffFiles.deleteQuietly(root.resolve("requests").resolve(name));
    }

    public void markFailed(String name, String reason) throws IOException {
        HandOffFiles.write(ownership, root.resolve("failed").resolve(name), reason.replace('\n', ' ') + "\n");
    }

    public void clearFailed(String name) {
        HandOffFiles.deleteQuietly(root.resolve("failed").resolve(name));
    }

    /** Tells launchers that an agent runs (the file's modification time is what counts). */
    public void beat() throws IOException {
        Path heartbeat = root.resolve("heartbeat");
        try {
            Files.setLastModifiedTime(heartbeat, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException e) {
            HandOffFiles.write(ownership, heartbeat, ProcessHandle.current().pid() + "\n");
        }
    }

    /** Tells launchers at once that no agent runs any more. */
    public void stopBeating() {
        HandOffFiles.deleteQuietly(root.resolve("heartbeat"));
    }

    /** Whether an agent has beaten within three seconds, as the launcher judges it. */
    public boolean agentAlive() {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(root.resolve("heartbeat")).toMillis();
            return age <= 3_000;
        } catch (IOException e) {
            return false;
        }
    }



    private static void clear(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Files.deleteIfExists(entry);
            }
        }
    }

}
