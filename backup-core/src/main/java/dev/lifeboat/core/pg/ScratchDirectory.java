package dev.lifeboat.core.pg;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A temporary directory that other users may traverse (mode 0755), deleted with everything in
 * it on {@link #close()}.
 *
 * <p>{@link Files#createTempDirectory} makes mode-0700 directories: when Lifeboat runs as root
 * and the server as {@code postgres}, the server could not enter them. Throwaway clusters,
 * demos and restore drills live in one of these.
 *
 * @param path the directory
 */
public record ScratchDirectory(Path path) implements AutoCloseable {

    /** Creates a new directory under {@code java.io.tmpdir}, named {@code prefix} + random. */
    public static ScratchDirectory create(String prefix) {
        return createIn(Path.of(System.getProperty("java.io.tmpdir")), prefix);
    }

    /** Creates a new directory under {@code parent}, named {@code prefix} + random. */
    public static ScratchDirectory createIn(Path parent, String prefix) {
        try {
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, prefix);
            // Set after creation: the umask would trim permissions given to createTempDirectory.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new ScratchDirectory(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL,
                    "cannot create a temporary directory in " + parent + ": " + e.getMessage(), null, e);
        }
    }

    /** {@code path().resolve(other)}. */
    public Path resolve(String other) {
        return path.resolve(other);
    }

    /** Deletes the directory and everything in it; a directory already gone is fine. */
    @Override
    public void close() {
        deleteTree(path);
    }

    /** Deletes {@code root} and everything under it, without following symbolic links. */
    static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // Already gone.
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL,
                    "cannot delete " + root + ": " + e.getMessage(), null, e);
        }
    }
}
