package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Makes a checked restore destination one restore's before anything is written into it, and
 * takes back what that restore wrote when it fails.
 */
final class DestinationClaim {

    private DestinationClaim() {
    }

    /**
     * The directory is created, or the incomplete-restore marker placed, atomically. Of two
     * restores into one directory one goes on and the other is refused without removing
     * anything. True when this restore created the directory (so a failure removes it again).
     */
    static boolean claim(Path pgdata, String backupId) {
        boolean created = false;
        try {
            if (pgdata.getParent() != null) {
                Files.createDirectories(pgdata.getParent());
            }
            try {
                Files.createDirectory(pgdata);
                created = true;
                Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
            } catch (FileAlreadyExistsException existing) {
                // checked empty a moment ago: the marker below decides whose it is
            }
            if (!IncompleteRestoreMarker.place(pgdata, backupId)) {
                throw new LifeboatException(ErrorCode.DESTINATION, "another restore is writing into " + pgdata
                        + " (or one was interrupted there)", "restore into another directory, or wait for the other restore");
            }
            try (Stream<Path> entries = Files.list(pgdata)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().equals(IncompleteRestoreMarker.FILE_NAME))) {
                    IncompleteRestoreMarker.remove(pgdata);
                    throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is not empty",
                            "restore into a new or empty directory; Lifeboat never overwrites a data directory");
                }
            }
            return created;
        } catch (IOException e) {
            if (created) {
                release(pgdata, true); // only what this restore made: the directory may be another's
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write " + pgdata + ": " + e.getMessage(), null, e);
        }
    }

    /** Removes what the restore wrote into {@code pgdata}, and the directory too when it made it; best effort. */
    static void release(Path pgdata, boolean removeItself) {
        if (!Files.exists(pgdata)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(pgdata)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> removeItself || !p.equals(pgdata)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
