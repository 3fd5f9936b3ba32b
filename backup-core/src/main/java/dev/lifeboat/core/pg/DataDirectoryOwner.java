package dev.lifeboat.core.pg;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Gives files Lifeboat creates inside a data directory to the data directory's owner, private
 * to them (0700/0600). The server and the commands it runs (archive_command,
 * restore_command) run as that owner and must be able to read, rename and delete what a
 * root-run Lifeboat process wrote there. A process that is not root creates them as itself,
 * which is then the owner already.
 */
public final class DataDirectoryOwner {

    private final int uid;
    private final int gid;
    private final boolean chown;

    private DataDirectoryOwner(int uid, int gid, boolean chown) {
        this.uid = uid;
        this.gid = gid;
        this.chown = chown;
    }

    public static DataDirectoryOwner of(Path pgdata) {
        if (!ServerUser.isRoot()) {
            return new DataDirectoryOwner(-1, -1, false);
        }
        try {
            return new DataDirectoryOwner((Integer) Files.getAttribute(pgdata, "unix:uid"),
                    (Integer) Files.getAttribute(pgdata, "unix:gid"), true);
        } catch (IOException | UnsupportedOperationException e) {
            return new DataDirectoryOwner(-1, -1, false);
        }
    }

    /** Creates the directory (0700, the owner's) unless it exists. */
    public void createDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            return;
        }
        giveAway(directory);
    }

    /** Makes a file the owner's, readable and writable by them only. */
    public void apply(Path file) throws IOException {
        giveAway(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private void giveAway(Path path) throws IOException {
        if (chown) {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
