package dev.lifeboat.storage.fs;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

/**
 * Gives every file and directory the store creates the owner of the store's root directory and
 * owner-only access.
 *
 * <p>Owner: when the process runs as root, new paths get the uid and gid of the root directory
 * (or, while it does not exist yet, of its nearest existing ancestor). PostgreSQL's
 * archive_command runs as {@code postgres} and must keep writing into directories that a
 * root-run {@code lifeboat backup} created. Other users cannot give files away, so they skip it.
 *
 * <p>Access: directories are 0700 and files 0600, whatever the root allows, and a root the store
 * creates is 0700 too: blobs hold a whole database, so neither the group nor others get anything.
 * Paths are created with these modes and chmod-ed again after the chown, which also makes the
 * result independent of the umask.
 */
final class InheritedOwnership {

    private static final Set<PosixFilePermission> DIRECTORY_MODE = Set.copyOf(EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE));
    private static final Set<PosixFilePermission> FILE_MODE = Set.copyOf(EnumSet.of(OWNER_READ, OWNER_WRITE));

    /** The owner new paths get (-1 when the owner is not changed). */
    private record Owner(int uid, int gid) {
    }

    private final Path root;
    private final boolean posix;
    private final boolean chown;
    private volatile Owner fromExistingRoot;

    InheritedOwnership(Path root) {
        this.root = root;
        Set<String> views = root.getFileSystem().supportedFileAttributeViews();
        this.posix = views.contains("posix");
        this.chown = views.contains("unix") && processRunsAsRoot();
    }

    /**
     * Creates one directory, owned as inherited and 0700; false when it exists already (as a
     * directory or not: the caller looks). The root itself and any missing directory above it
     * are created like a new root, under a lock, so that no thread of this JVM takes a root
     * that is created but not yet given away as the model for what it creates.
     */
    boolean createDirectory(Path directory) throws IOException {
        if (root.startsWith(directory)) {
            synchronized (this) {
                return create(directory, forNewRoot());
            }
        }
        return create(directory, owner());
    }

    /** Attributes to create a file with: owner-only from the start. */
    FileAttribute<?>[] fileCreation() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    void applyToFile(Path file) throws IOException {
        if (posix) {
            giveAway(file, owner());
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    }

    /** Whether new paths are given the root directory's owner (the process runs as root). */
    boolean changesOwner() {
        return chown;
    }

    private void giveAway(Path path, Owner owner) throws IOException {
        if (chown) {
            Files.setAttribute(path, "unix:uid", owner.uid());
            Files.setAttribute(path, "unix:gid", owner.gid());
        }
    }

    private boolean create(Path directory, Owner owner) throws IOException {
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY_MODE)}
                : new FileAttribute<?>[0];
        try {
            Files.createDirectory(directory, ownerOnly);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        if (posix) {
            giveAway(directory, owner);
            Files.setPosixFilePermissions(directory, DIRECTORY_MODE);
        }
        return true;
    }

    /** The model: the root directory, once it exists (then it is remembered). */
    private Owner owner() throws IOException {
        Owner cached = fromExistingRoot;
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            if (fromExistingRoot == null && Files.isDirectory(root)) {
                fromExistingRoot = ownerOf(root);
            }
            return fromExistingRoot != null ? fromExistingRoot : forNewRoot();
        }
    }

    /** The model while the root does not exist: its nearest existing ancestor's owner. */
    private Owner forNewRoot() throws IOException {
        Path ancestor = root.getParent();
        while (ancestor != null && !Files.isDirectory(ancestor)) {
            ancestor = ancestor.getParent();
        }
        return ownerOf(ancestor == null ? root.getRoot() : ancestor);
    }

    private Owner ownerOf(Path path) throws IOException {
        int uid = chown ? (Integer) Files.getAttribute(path, "unix:uid") : -1;
        int gid = chown ? (Integer) Files.getAttribute(path, "unix:gid") : -1;
        return new Owner(uid, gid);
    }

    /** /proc/self belongs to the process's effective uid; without /proc, trust user.name. */
    private static boolean processRunsAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
