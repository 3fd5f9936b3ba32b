package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ServerUser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directories a restore puts tablespaces in: refused before anything is written unless
 * each is free (absent, or an empty directory) and usable, then claimed, and taken back when
 * the restore fails, as {@link DestinationClaim} does for the data directory.
 */
final class TablespaceDestinations {

    private TablespaceDestinations() {
    }

    /**
     * @param pgdata     the absolute, normalised data directory of the restore
     * @param repository the directory of a local repository, or null
     * @param serverUser who will run the restored server, or null when Lifeboat does not start it
     */
    static void require(List<TablespacePlacement> placements, Path pgdata, Path repository, ServerUser serverUser) {
        for (TablespacePlacement p : placements) {
            Path target = p.target();
            String hint = hint(p);
            if (target.startsWith(pgdata) || pgdata.startsWith(target)) {
                throw refusal(p, (target.startsWith(pgdata) ? "is inside" : "contains") + " the restore's data directory " + pgdata, hint);
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(target)) {
                    throw refusal(p, "is not a directory", hint);
                }
                if (!isEmpty(target)) {
                    throw refusal(p, "is not empty", hint);
                }
                if (!Files.isWritable(target)) {
                    throw refusal(p, "is not writable", hint);
                }
            }
            try {
                RestoreDestinationCheck.require(target, repository, serverUser);
            } catch (LifeboatException e) {
                throw new LifeboatException(e.code(), p.tablespace().describe() + ": " + e.getMessage(), hint, e);
            }
        }
    }

    /** What the restore made for its tablespaces, so that a failure can take it back. */
    record Claim(List<Path> created, List<Path> emptied) {
    }

    /** Creates each directory (0700) that is missing, and checks again that each is empty. */
    static Claim claim(List<TablespacePlacement> placements) {
        List<Path> created = new ArrayList<>();
        List<Path> emptied = new ArrayList<>();
        Claim claim = new Claim(created, emptied);
        try {
            for (TablespacePlacement p : placements) {
                Path target = p.target();
                Path existing = target;
                while (!Files.exists(existing)) {
                    existing = existing.getParent();
                }
                if (existing.equals(target)) {
                    emptied.add(target);
                    if (!isEmpty(target)) {
                        throw refusal(p, "is not empty", hint(p));
                    }
                } else {
                    created.add(existing.resolve(existing.relativize(target).getName(0)));
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                }
            }
            return claim;
        } catch (IOException | RuntimeException e) {
            release(claim);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot create a tablespace directory: " + e.getMessage(),
                    "check permissions and free space", e);
        }
    }

    /** Removes what the restore wrote for its tablespaces; best effort. Links are removed, never followed. */
    static void release(Claim claim) {
        for (Path dir : claim.created()) {
            delete(dir, true);
        }
        for (Path dir : claim.emptied()) {
            delete(dir, false);
        }
    }

    private static void delete(Path dir, boolean itself) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> itself || !p.equals(dir)).forEach(p -> {
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

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot read tablespace directory " + dir + ": " + e.getMessage(), null, e);
        }
    }

    private static LifeboatException refusal(TablespacePlacement p, String problem, String hint) {
        return new LifeboatException(ErrorCode.DESTINATION, "cannot restore " + p.tablespace().describe() + " to "
                + (p.original() ? "its original path " : "") + p.target() + ": it " + problem, hint);
    }

    private static String hint(TablespacePlacement p) {
        String key = p.tablespace().name() == null ? Long.toString(p.tablespace().oid()) : p.tablespace().name();
        return p.original()
                ? "restore it elsewhere with " + TablespaceRemap.OPTION + " " + key + "=/new/path (or free that directory)"
                : "give it a new or empty directory with " + TablespaceRemap.OPTION + " " + key + "=/new/path";
    }
}
