package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ServerUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Refuses a restore directory that cannot work, before anything is written: one inside a
 * PostgreSQL data directory (a running server's above all: its next base backup would copy
 * the restore, and the restore could be taken for its files), one inside a directory
 * repository (it would mix with the objects), and one the server user cannot reach (the
 * restore would be written, and only the start would fail).
 *
 * <p>Paths are compared after resolving symbolic links, through the nearest directory that
 * exists: the destination itself is usually new.
 */
final class RestoreDestinationCheck {

    private RestoreDestinationCheck() {
    }

    /**
     * @param pgdata     the absolute, normalised destination
     * @param repository the directory of a local repository, or null
     * @param serverUser who will run the restored server, or null when Lifeboat does not start it
     */
    static void require(Path pgdata, Path repository, ServerUser serverUser) {
        Path existing = nearestExisting(pgdata);
        Path real = realPath(existing).resolve(existing.relativize(pgdata));
        requireOutsideDataDirectories(pgdata, real);
        if (repository != null && Files.isDirectory(repository)) {
            Path repositoryReal = realPath(repository);
            if (real.startsWith(repositoryReal) || repositoryReal.startsWith(real)) {
                throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata
                        + (real.startsWith(repositoryReal) ? " is inside" : " contains") + " the repository " + repository,
                        "restore into a directory outside the repository");
            }
        }
        if (!pgdata.equals(existing) && !Files.isWritable(existing)) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot create restore destination " + pgdata + ": "
                    + existing + " is not writable", "create the directory first, or choose one under a writable directory");
        }
        if (serverUser != null) {
            // The restored server runs as this user: every directory above the data directory must let it
            // through (the data directory itself is handed over to it).
            Optional<Path> blocking = serverUser.blockingDirectory(existing.equals(pgdata) ? pgdata.getParent() : existing);
            if (blocking.isPresent()) {
                Path dir = blocking.get();
                throw new LifeboatException(ErrorCode.DESTINATION, "PostgreSQL runs as " + serverUser.userName()
                        + ", which cannot reach restore destination " + pgdata + ": it may not enter " + dir,
                        "restore under a directory " + serverUser.userName() + " can enter, or let it (chmod o+x " + dir + ")");
            }
        }
    }

    private static void requireOutsideDataDirectories(Path pgdata, Path real) {
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("PG_VERSION")) && Files.isDirectory(dir.resolve("global"))) {
                boolean running = Files.exists(dir.resolve("postmaster.pid"));
                throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is inside the data directory "
                        + dir + (running ? " of a running server" : ""),
                        "restore into a directory outside every PostgreSQL data directory; a new one next to it will do");
            }
        }
    }

    private static Path nearestExisting(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? path.getRoot() : p;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
