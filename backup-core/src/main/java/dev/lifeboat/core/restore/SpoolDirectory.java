package dev.lifeboat.core.restore;

import dev.lifeboat.core.pg.DataDirectoryOwner;
import dev.lifeboat.core.pg.HandOffFiles;
import dev.lifeboat.core.archive.LauncherRepository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files through which a restoring Lifeboat hands WAL to {@code bin/lifeboat wal-fetch}
 * (restore_command) without a JVM per file, in {@code <pgdata>/pg_wal/.lifeboat/fetch/}: inside
 * pg_wal, so that handing a file over is a rename into {@code %p}, and found by the launcher
 * from {@code %p} ({@code pg_wal/RECOVERYXLOG}) alone. PostgreSQL ignores a directory there.
 *
 * <pre>
 * repository      the --repo text restore_command names; the launcher uses nothing here unless
 *                 its own --repo is exactly this text
 * heartbeat       touched every second while the restoring Lifeboat runs; older than 3 s: gone
 * NAME            a WAL file, verified against its checksum before it was renamed here: the
 *                 launcher moves it to %p and exits 0
 * requests/NAME   the launcher asks for NAME now (an empty file, created in place)
 * missing/NAME    answer: the repository has no NAME (the launcher exits 1, "not found")
 * failed/NAME     answer: NAME could not be delivered (the launcher runs the JVM wal-fetch,
 *                 which says why and exits above 125, so recovery stops)
 * </pre>
 *
 * Files are given to the data directory's owner, who runs restore_command.
 */
final class SpoolDirectory {

    /** Relative to pg_wal. */
    static final String RELATIVE_PATH = ".lifeboat/fetch";

    private final Path root;
    private final DataDirectoryOwner owner;

    private SpoolDirectory(Path root, DataDirectoryOwner owner) {
        this.root = root;
        this.owner = owner;
    }

    static SpoolDirectory of(Path pgdata) {
        return new SpoolDirectory(pgdata.resolve("pg_wal").resolve(RELATIVE_PATH), DataDirectoryOwner.of(pgdata));
    }

    Path root() {
        return root;
    }

    void prepare(LauncherRepository served) throws IOException {
        remove();
        owner.createDirectories(root.getParent());
        owner.createDirectories(root);
        for (String sub : List.of("requests", "missing", "failed")) {
            owner.createDirectories(root.resolve(sub));
        }
        HandOffFiles.write(owner, root.resolve("repository"), served.fileText());
        beat();
    }

    /** Where a file for {@code name} is written before {@link #place} shows it. */
    Path temporary(String name) {
        return root.resolve("." + name + ".tmp");
    }

    /** Shows a written, verified file to the launcher. */
    void place(String name) throws IOException {
        Path temp = temporary(name);
        owner.apply(temp);
        Files.move(temp, root.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    boolean holds(String name) {
        return Files.exists(root.resolve(name));
    }

    void discard(String name) {
        HandOffFiles.deleteQuietly(root.resolve(name));
    }

    List<String> requests() {
        return HandOffFiles.names(root.resolve("requests"));
    }

    void removeRequest(String name) {
        HandOffFiles.deleteQuietly(root.resolve("requests").resolve(name));
    }

    void answerMissing(String name) throws IOException {
        HandOffFiles.write(owner, root.resolve("missing").resolve(name), "\n");
    }

    void answerFailed(String name, String reason) throws IOException {
        HandOffFiles.write(owner, root.resolve("failed").resolve(name), reason.replace('\n', ' ') + "\n");
    }

    void beat() throws IOException {
        Path heartbeat = root.resolve("heartbeat");
        try {
            Files.setLastModifiedTime(heartbeat, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (NoSuchFileException e) {
            HandOffFiles.write(owner, heartbeat, ProcessHandle.current().pid() + "\n");
        }
    }

    /** Removes the whole spool (the launcher then falls back to the JVM wal-fetch). */
    void remove() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(HandOffFiles::deleteQuietly);
        } catch (IOException ignored) {
            // best effort: PostgreSQL ignores what is left
        }
        try {
            Files.deleteIfExists(root.getParent()); // pg_wal/.lifeboat, unless an agent uses it too
        } catch (IOException ignored) {
            // not empty
        }
    }


}
