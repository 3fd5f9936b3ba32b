package dev.lifeboat.core.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The small files Lifeboat and bin/lifeboat hand each other in pg_wal/.lifeboat (the agent's
 * markers, a restore's spool answers): written whole under a dot-name and renamed, owned by
 * the server's user, and listed without the dot-names still being written.
 */
public final class HandOffFiles {

    private HandOffFiles() {
    }

    /** Writes {@code content} to {@code target} atomically, owned as the data directory is. */
    public static void write(DataDirectoryOwner owner, Path target, String content) throws IOException {
        // a temporary name per thread: two threads may answer for the same file
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp" + Thread.currentThread().getId());
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        owner.apply(temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The complete files of a directory, sorted; none when it cannot be read. */
    public static List<String> names(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".")) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        names.sort(null);
        return names;
    }

    /** Deletes a file if it is there; a leftover is harmless (the next run clears it). */
    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
