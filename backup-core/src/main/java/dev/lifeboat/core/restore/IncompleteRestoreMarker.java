package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file in a restore destination while its files are being written, removed once they are
 * all there. A restore stopped in between (SIGINT, SIGTERM, SIGKILL, a crash) leaves it, so the
 * next restore into that directory can say that a restore was interrupted there, instead of
 * only that the directory is not empty. PostgreSQL ignores the file.
 */
final class IncompleteRestoreMarker {

    static final String FILE_NAME = "lifeboat-restore-incomplete";

    private IncompleteRestoreMarker() {
    }

    /**
     * Places the marker unless one is there already (created atomically, so of two restores
     * into one directory only one places it); false when another restore has it.
     */
    static boolean place(Path pgdata, String backupId) throws IOException {
        try {
            Files.writeString(pgdata.resolve(FILE_NAME), "restore of backup " + backupId + " under way; the files are incomplete\n",
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    static void remove(Path pgdata) throws IOException {
        Files.deleteIfExists(pgdata.resolve(FILE_NAME));
    }

    static void refuseIfPresent(Path pgdata) {
        if (Files.exists(pgdata.resolve(FILE_NAME))) {
            throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata
                    + " holds a restore that was interrupted before its files were complete (or is still under way)",
                    "the restore into it was interrupted; nothing in the repository changed: unless another restore is"
                            + " writing into it now, delete " + pgdata + " and run the restore again");
        }
    }
}
