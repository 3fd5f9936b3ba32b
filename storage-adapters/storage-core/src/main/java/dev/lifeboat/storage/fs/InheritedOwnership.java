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

import static java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

/**
 * Gives every file and directory the store creates the owner and the access of the store's root
 * directory.
 *
 * <p>Owner: when the process runs as root, new paths get the uid and gid of the root directory
 * (or, while it does not exist yet, of its nearest existing ancestor). PostgreSQL's
 * archive_command runs as {@code postgres} and must keep writing into directories that a
 * root-run {@code lifeboat backup} created. Other users cannot give files away, so they skip it.
 *
 * <p>Access: the owner always has full access; the group gets what the root directory grants
 * its group (read and search for 0750, also write for a group-shared 0770), files never execute
 * and "others" never get anything, whatever the root allows: blobs hold a whole database. A
 * root created by the store is 0750, its files 0640. Paths are created 0700/0600 and widened
 * after the chown, so nothing is ever more open than intended; the explicit chmod also makes the
 * result independent of the umask.
 */
final class InheritedOwnership {

    private static final Set<PosixFilePermission> NEW_ROOT_GROUP = EnumSet.of(GROUP_READ, GROUP_EXECUTE);

    /** The owner and modes new paths get. */
    private record Template(int uid, int gid, Set<PosixFilePermission> directoryMode,
                            Set<PosixFilePermission> fileMode) {
    }

    private final Path root;
    private final boolean posix;
    private final boolean chown;
    private volatile Template fromExistingRoot;

    InheritedOwnership(Path root) {
        this.root = root;
        Set<String> views = root.getFileSystem().supportedFileAttributeViews();
        this.posix = views.contains("posix");
        this.chown = views.contains("unix") && processRunsAsRoot();
    }

    /**
     * Creates one directory, owned and moded as inherited; false when it exists already (as a
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
        return create(directory, template());
    }

    /** Attributes to create a file with: private until {@link #applyToFile}. */
    FileAttribute<?>[] fileCreation() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(OWNER_READ, OWNER_WRITE))}
                : new FileAttribute<?>[0];
    }

    void applyToFile(Path file) throws IOException {
        if (posix) {
            Template template = template();
            giveAway(file, template);
            Files.setPosixFilePermissions(file, template.fileMode());
        }
    }

    /** Whether new paths are given the root directory's owner (the process runs as root). */
    boolean changesOwner() {
        return chown;
    }

    private void giveAway(Path path, Template template) throws IOException {
        if (chown) {
            Files.setAttribute(path, "unix:uid", template.uid());
            Files.setAttribute(path, "unix:gid", template.gid());
        }
    }

    private boolean create(Path directory, Template template) throws IOException {
        FileAttribute<?>[] privateAtFirst = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE))}
                : new FileAttribute<?>[0];
        try {
            Files.createDirectory(directory, privateAtFirst);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        if (posix) {
            giveAway(directory, template);
            Files.setPosixFilePermissions(directory, template.directoryMode());
        }
        return true;
    }

    /** The model: the root directory, once it exists (then it is remembered). */
    private Template template() throws IOException {
        Template cached = fromExistingRoot;
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            if (fromExistingRoot == null && Files.isDirectory(root)) {
                Set<PosixFilePermission> rootMode = Files.getPosixFilePermissions(root);
                Set<PosixFilePermission> group = EnumSet.noneOf(PosixFilePermission.class);
                for (PosixFilePermission permission : EnumSet.of(GROUP_READ, GROUP_WRITE, GROUP_EXECUTE)) {
                    if (rootMode.contains(permission)) {
                        group.add(permission);
                    }
                }
                fromExistingRoot = build(root, group);
            }
            return fromExistingRoot != null ? fromExistingRoot : forNewRoot();
        }
    }

    /** The model while the root does not exist: its nearest existing ancestor's owner, mode 0750. */
    private Template forNewRoot() throws IOException {
        Path ancestor = root.getParent();
        while (ancestor != null && !Files.isDirectory(ancestor)) {
            ancestor = ancestor.getParent();
        }
        return build(ancestor == null ? root.getRoot() : ancestor, NEW_ROOT_GROUP);
    }

    private Template build(Path ownerFrom, Set<PosixFilePermission> group) throws IOException {
        int uid = chown ? (Integer) Files.getAttribute(ownerFrom, "unix:uid") : -1;
        int gid = chown ? (Integer) Files.getAttribute(ownerFrom, "unix:gid") : -1;
        Set<PosixFilePermission> directory = EnumSet.of(OWNER_READ, OWNER_WRITE, OWNER_EXECUTE);
        directory.addAll(group);
        Set<PosixFilePermission> file = EnumSet.of(OWNER_READ, OWNER_WRITE);
        if (group.contains(GROUP_READ)) {
            file.add(GROUP_READ); // blobs are immutable: nobody but the owner needs to write them
        }
        return new Template(uid, gid, Set.copyOf(directory), Set.copyOf(file));
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
