package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobKeys;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ContentStream;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import dev.lifeboat.storage.StoreCapabilities;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Blobs as files under a root directory: key "a/b/c" is the file {@code <root>/a/b/c}. Works on
 * local disks and on mounted ones (NFS, SMB) that support hard links and rename.
 *
 * <p>A put writes a temporary file ({@value BlobKeys#RESERVED_SEGMENT_PREFIX}&lt;random&gt;) next
 * to the target, fsyncs it, then makes it visible in one step: a hard link for
 * {@link PutMode#CREATE_ONLY} (link(2) fails if the name exists, so two writers cannot both win),
 * a rename for {@link PutMode#REPLACE}; then it fsyncs the directory so that the name survives a
 * crash. A crash leaves at most a temporary file, which is never listed and never in the way.
 *
 * <p>Ownership and modes of what it creates: see {@link InheritedOwnership}. Delete removes the
 * directories it empties (up to the root), so the tree does not fill with empty directories as
 * backups expire; a put that loses its fresh directory to such a delete tries again.
 */
public final class FileSystemBlobStore implements BlobStore {

    private static final StoreCapabilities CAPABILITIES = new StoreCapabilities(true, 4, true);
    /** Copy buffer: large enough for few system calls, small enough to hold one per thread. */
    private static final int BUFFER_SIZE = 128 * 1024;
    /**
     * Attempts of a put whose fresh directory a concurrent delete keeps removing under it: each
     * retry happens only after a real loss, and a tight put/delete loop in one directory on two
     * cores needed more than three (see the racing test).
     */
    private static final int ATTEMPTS_WHEN_DIRECTORY_VANISHES = 10;

    private final Path root;
    private final String location;
    private final InheritedOwnership ownership;

    /** A store rooted at {@code root}, which need not exist yet: the first put creates it. */
    public FileSystemBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.location = this.root.toString();
        this.ownership = new InheritedOwnership(this.root);
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public void put(String key, BlobContent content, PutMode mode) {
        Path target = resolve(key);
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(mode, "mode");
        for (int attempt = 1; ; attempt++) {
            try {
                writeAndPublish(key, target, content, mode);
                return;
            } catch (NoSuchFileException vanished) {
                // delete() removes directories it empties; one may go between our mkdir and our write.
                if (attempt == ATTEMPTS_WHEN_DIRECTORY_VANISHES) {
                    throw FileSystemErrors.of("store", location, key, vanished);
                }
            } catch (IOException e) {
                throw FileSystemErrors.of("store", location, key, e);
            }
        }
    }

    @Override
    public InputStream get(String key) {
        return get(key, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        Path file = resolve(key);
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for '" + key + "'");
        }
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
                throw StorageException.notFound(location, key); // a directory of other keys
            }
            return new FileRangeInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
        } catch (IOException e) {
            throw FileSystemErrors.isAbsent(e) ? StorageException.notFound(location, key)
                    : FileSystemErrors.of("read", location, key, e);
        }
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new BlobInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()))
                    : Optional.empty();
        } catch (IOException e) {
            if (FileSystemErrors.isAbsent(e)) {
                return Optional.empty();
            }
            throw FileSystemErrors.of("stat", location, key, e);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        BlobKeys.checkPrefix(prefix);
        Iterator<BlobInfo> walk;
        try {
            walk = new KeyOrderWalk(root, prefix);
        } catch (UncheckedIOException e) {
            throw FileSystemErrors.of("list", location, prefix, e.getCause());
        }
        Iterator<BlobInfo> mapped = new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return walk.hasNext();
                } catch (UncheckedIOException e) {
                    throw FileSystemErrors.of("list", location, prefix, e.getCause());
                }
            }

            @Override
            public BlobInfo next() {
                hasNext();
                return walk.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(mapped,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        try {
            if (Files.isDirectory(file) || !Files.deleteIfExists(file)) {
                return; // no blob: a directory of other keys, or nothing
            }
        } catch (IOException e) {
            if (FileSystemErrors.isAbsent(e)) {
                return;
            }
            throw FileSystemErrors.of("delete", location, key, e);
        }
        removeEmptyDirectories(file.getParent());
    }

    private Path resolve(String key) {
        return root.resolve(BlobKeys.check(key));
    }

    // ---- put -----------------------------------------------------------------------------

    private void writeAndPublish(String key, Path target, BlobContent content, PutMode mode) throws IOException {
        Path directory = target.getParent();
        createDirectories(key, directory);
        Path temp = directory.resolve(BlobKeys.RESERVED_SEGMENT_PREFIX + randomSuffix());
        try {
            writeDurably(key, temp, content);
            if (mode == PutMode.CREATE_ONLY) {
                try {
                    Files.createLink(target, temp);
                } catch (FileAlreadyExistsException e) {
                    throw Files.isDirectory(target) ? keyIsDirectory(key) : StorageException.alreadyExists(location, key);
                } catch (UnsupportedOperationException e) {
                    throw new StorageException(Kind.PERMANENT, location, key, "cannot store '" + key + "' in "
                            + location + ": the filesystem has no hard links, which CREATE_ONLY needs", e);
                }
            } else {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    if (Files.isDirectory(target)) {
                        throw keyIsDirectory(key);
                    }
                    throw e;
                }
            }
        } finally {
            deleteTemporary(temp);
        }
        syncDirectory(directory);
    }

    /** Copies the content into a new temporary file and forces it to disk: the name must never point at lost data. */
    private void writeDurably(String key, Path temp, BlobContent content) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (FileChannel out = FileChannel.open(temp, options, ownership.fileCreation())) {
            ownership.applyToFile(temp);
            try (ContentStream in = ContentStream.open(content, location, key)) {
                byte[] buffer = new byte[BUFFER_SIZE];
                ByteBuffer wrapped = ByteBuffer.wrap(buffer);
                for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                    wrapped.clear().limit(n);
                    while (wrapped.hasRemaining()) {
                        out.write(wrapped);
                    }
                }
            }
            out.force(true);
        }
    }

    /** Creates the missing directories down to {@code directory}, each owned and synced like a blob. */
    private void createDirectories(String key, Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) { // also false below a file ("Not a directory")
            missing.push(existing);
            existing = existing.getParent();
        }
        if (existing != null) {
            requireDirectory(key, existing);
        }
        while (!missing.isEmpty()) {
            Path next = missing.pop();
            if (ownership.createDirectory(next)) {
                syncDirectory(next.getParent());
            } else {
                requireDirectory(key, next); // usually a concurrent put made it
            }
        }
    }

    /** Fails PERMANENT when a blob sits where a directory must be; NoSuchFileException (retry) when it vanished. */
    private void requireDirectory(String key, Path path) throws IOException {
        if (!Files.readAttributes(path, BasicFileAttributes.class).isDirectory()) {
            throw inTheWay(key, path);
        }
    }

    private void deleteTemporary(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Nothing to do: a leftover temporary file is never listed and never in the way.
        }
    }

    /** Removes {@code directory} and its ancestors below the root while they are empty. */
    private void removeEmptyDirectories(Path directory) {
        for (Path current = directory; current != null && current.startsWith(root) && !current.equals(root);
             current = current.getParent()) {
            try {
                Files.delete(current);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return; // tidying only: an empty directory harms nobody
            }
        }
    }

    /**
     * Makes the directory's entries (a new name, a rename) durable. Some filesystems refuse
     * fsync on a directory ("Invalid argument" or "not supported", e.g. some network mounts);
     * there the rename is as durable as the filesystem can make it, so that is not an error.
     */
    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (!(message.contains("Invalid argument") || message.contains("not supported"))) {
                throw e;
            }
        }
    }

    private static String randomSuffix() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return String.format("%016x%016x", random.nextLong(), random.nextLong());
    }

    private StorageException keyIsDirectory(String key) {
        return new StorageException(Kind.PERMANENT, location, key,
                "cannot store '" + key + "' in " + location + ": it is a directory of other blobs");
    }

    private StorageException inTheWay(String key, Path file) {
        String what = file.startsWith(root) && !file.equals(root) ? "blob '" + root.relativize(file) + "'" : "file " + file;
        return new StorageException(Kind.PERMANENT, location, key,
                "cannot store '" + key + "' in " + location + ": " + what + " is in the way (not a directory)");
    }
}
