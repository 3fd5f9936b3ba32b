package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The blobs below a directory in ascending key order, reading one directory at a time as the
 * caller advances: file contents are never read, and only the names of the directories on the
 * current path are held.
 *
 * <p>Order: a directory "a" sorts as "a/", so its blobs fall exactly where their keys do
 * ("a-b" &lt; "a/x" &lt; "a0" in byte order). Temporary files and names that are not valid key
 * segments (non-ASCII, say) are never listed: no key could address them.
 *
 * <p>I/O failures are thrown as {@link UncheckedIOException}; the store maps them.
 */
final class KeyOrderWalk implements Iterator<BlobInfo> {

    private record Entry(String name, boolean directory, long size, Instant lastModified) {
        String sortKey() {
            return directory ? name + "/" : name;
        }
    }

    private record Level(String keyPrefix, Iterator<Entry> entries) {
    }

    private final Path root;
    private final Deque<Level> levels = new ArrayDeque<>();
    private BlobInfo next;

    /** Walks the blobs whose keys start with {@code prefix}, a valid list prefix. */
    KeyOrderWalk(Path root, String prefix) {
        this.root = root;
        String directoryKey = prefix.substring(0, prefix.lastIndexOf('/') + 1);
        String namePrefix = prefix.substring(directoryKey.length());
        levels.push(new Level(directoryKey, read(root.resolve(directoryKey), namePrefix).iterator()));
    }

    @Override
    public boolean hasNext() {
        while (next == null && !levels.isEmpty()) {
            Level top = levels.peek();
            if (!top.entries().hasNext()) {
                levels.pop();
                continue;
            }
            Entry entry = top.entries().next();
            String key = top.keyPrefix() + entry.name();
            if (entry.directory()) {
                levels.push(new Level(key + "/", read(root.resolve(key), "").iterator()));
            } else {
                next = new BlobInfo(key, entry.size(), entry.lastModified());
            }
        }
        return next != null;
    }

    @Override
    public BlobInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        BlobInfo result = next;
        next = null;
        return result;
    }

    /**
     * Times a directory is read again because an entry vanished between reading the names and
     * their attributes: skipping it alone would give a view that never existed (the entry gone,
     * but not the ones created before it went), and a lock taker would then reuse its name.
     */
    private static final int REREADS_WHEN_ENTRY_VANISHES = 3;

    /** The entries of one directory whose names start with {@code namePrefix}, sorted; none when it is gone. */
    private static List<Entry> read(Path directory, String namePrefix) {
        for (int attempt = 0; ; attempt++) {
            List<Entry> entries = new ArrayList<>();
            if (readOnce(directory, namePrefix, entries) || attempt == REREADS_WHEN_ENTRY_VANISHES) {
                entries.sort(Comparator.comparing(Entry::sortKey));
                return entries;
            }
        }
    }

    /** Fills {@code entries}; false when one vanished while it was read (then it is left out). */
    private static boolean readOnce(Path directory, String namePrefix, List<Entry> entries) {
        boolean complete = true;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.startsWith(namePrefix) || !isKeySegment(name)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(child, BasicFileAttributes.class);
                } catch (NoSuchFileException deletedMeanwhile) {
                    complete = false;
                    continue;
                }
                if (attributes.isDirectory() || attributes.isRegularFile()) {
                    entries.add(new Entry(name, attributes.isDirectory(), attributes.size(),
                            attributes.lastModifiedTime().toInstant()));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException absent) {
            entries.clear();
            return true;
        } catch (DirectoryIteratorException e) {
            throw new UncheckedIOException(e.getCause());
        } catch (IOException e) {
            if (FileSystemErrors.isAbsent(e)) {
                entries.clear();
                return true;
            }
            throw new UncheckedIOException(e);
        }
        return complete;
    }

    private static boolean isKeySegment(String name) {
        if (name.startsWith(BlobKeys.RESERVED_SEGMENT_PREFIX) || name.length() > BlobKeys.MAX_SEGMENT_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
