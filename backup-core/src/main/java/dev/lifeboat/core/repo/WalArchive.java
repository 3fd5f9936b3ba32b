package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The archived WAL of one repository: segments, partial segments, backup history and
 * timeline history files, each stored once under its name and content checksum.
 *
 * <p>An object is an optional zstd skippable frame holding the {@link WalSummary} as JSON,
 * then the file's content as a zstd frame. Any zstd decoder skips the summary, and a restore
 * can read a summary with one small ranged read, with no second object to keep in step.
 */
public final class WalArchive {

    /** Skippable frame magic 0x184D2A5E (the zstd range is 0x184D2A50..5F). */
    private static final int SUMMARY_FRAME_MAGIC = 0x184D2A5E;
    private static final int SUMMARY_READ_AHEAD = 4096;
    private static final Pattern STORED_NAME = Pattern.compile("(.+)-([0-9a-f]{64})\\.zst");
    private static final Pattern WAL_NAME = Pattern.compile(
            "[0-9A-F]{8}\\.history|[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?");

    private final BlobStore store;
    private final ObjectCodec codec;

    WalArchive(BlobStore store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    public enum PushOutcome { STORED, ALREADY_ARCHIVED }

    public static boolean isArchivableName(String fileName) {
        return WAL_NAME.matcher(fileName).matches();
    }

    /** The directory-like prefix a WAL file's objects live under. */
    public static String prefixFor(String fileName) {
        requireName(fileName);
        String timeline = fileName.substring(0, 8);
        if (fileName.endsWith(".history")) {
            return RepositoryLayout.WAL_PREFIX + timeline + "/";
        }
        return RepositoryLayout.WAL_PREFIX + timeline + "/" + fileName.substring(0, 16) + "/";
    }

    public static String keyFor(String fileName, String sha256) {
        return prefixFor(fileName) + fileName + "-" + sha256 + ".zst";
    }

    /** Every stored copy of a file (normally one; two means a conflict someone must resolve). */
    public List<ArchivedWal> findAll(String fileName) {
        List<ArchivedWal> found = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(prefixFor(fileName) + fileName + "-")) {
            blobs.map(WalArchive::parse).flatMap(Optional::stream)
                    .filter(w -> w.fileName().equals(fileName))
                    .forEach(found::add);
        }
        return found;
    }

    /** The stored copy of a file, if any; fails when two different copies exist. */
    public Optional<ArchivedWal> find(String fileName) {
        List<ArchivedWal> all = findAll(fileName);
        if (all.size() > 1) {
            throw new LifeboatException(ErrorCode.CONFLICT,
                    "two different copies of WAL file " + fileName + " in " + store.location() + " (" + all.get(0).sha256()
                            + ", " + all.get(1).sha256() + ")",
                    "a second cluster or a restored copy archived into this repository; inspect and delete the wrong object");
        }
        return all.stream().findFirst();
    }

    /**
     * Stores a WAL file unless this exact content is already archived. A different content
     * under the same name is refused and left untouched.
     */
    public PushOutcome push(String fileName, Path file, String sha256, WalSummary summary) {
        return push(fileName, WalContent.of(file), sha256, summary);
    }

    /** See {@link #push(String, Path, String, WalSummary)}; {@code sha256} must be the checksum of {@code content}. */
    public PushOutcome push(String fileName, WalContent content, String sha256, WalSummary summary) {
        Optional<ArchivedWal> existing = find(fileName);
        if (existing.isPresent()) {
            return requireSame(existing.get(), sha256);
        }
        byte[] summaryFrame = summary == null ? new byte[0] : summaryFrame(summary);
        String key = keyFor(fileName, sha256);
        try {
            store.put(key, stored(summaryFrame, content), PutMode.CREATE_ONLY);
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                throw e;
            }
            return PushOutcome.ALREADY_ARCHIVED; // same name and checksum: a racing push of the same file
        }
        // Two pushers of different contents can both get past the first check: the loser backs out.
        List<ArchivedWal> after = findAll(fileName);
        if (after.size() > 1) {
            store.delete(key);
            ArchivedWal other = after.stream().filter(w -> !w.sha256().equals(sha256)).findFirst().orElseThrow();
            return requireSame(other, sha256);
        }
        return PushOutcome.STORED;
    }

    /** The object's bytes: the summary frame, then the content compressed (at once when it is in memory with a frame room). */
    private BlobContent stored(byte[] summaryFrame, WalContent content) {
        if (content instanceof WalContent.InMemory plain && plain.frameRoom() != null) {
            ObjectCodec.Encoded frame = codec.encodeWhole(plain.bytes(), plain.length(), plain.frameRoom());
            return new BlobContent() {
                @Override
                public InputStream open() {
                    return new SequenceInputStream(new ByteArrayInputStream(summaryFrame), frame.open());
                }

                @Override
                public long length() {
                    return summaryFrame.length + (long) frame.length();
                }
            };
        }
        return () -> new SequenceInputStream(new ByteArrayInputStream(summaryFrame), codec.encodeKnown(content.open()));
    }

    private PushOutcome requireSame(ArchivedWal stored, String sha256) {
        if (stored.sha256().equals(sha256)) {
            return PushOutcome.ALREADY_ARCHIVED;
        }
        throw new LifeboatException(ErrorCode.CONFLICT,
                "WAL file " + stored.fileName() + " is already archived in " + store.location()
                        + " with different content (stored SHA-256 " + stored.sha256().substring(0, 12) + "…, this file "
                        + sha256.substring(0, 12) + "…)",
                "another server is archiving into this repository under the same timeline, or this server's WAL diverged;"
                        + " give each cluster its own repository and never archive a restored copy into its source's timeline");
    }

    /**
     * Writes the file's verified content to {@code destination} (via a temporary file in the
     * same directory and a rename, so a failure never leaves a partial file behind), synced.
     */
    public void fetch(ArchivedWal wal, Path destination) {
        fetch(wal, destination, true);
    }

    /**
     * {@link #fetch(ArchivedWal, Path)}; without {@code sync} the file is not forced to disk,
     * for copies that are worthless after a crash anyway (a restore's prefetch spool: PostgreSQL
     * syncs what it keeps).
     */
    public void fetch(ArchivedWal wal, Path destination, boolean sync) {
        Path dir = destination.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + destination.getFileName() + ".lifeboat-tmp");
        try {
            try (InputStream in = codec.decodeVerified(store.get(wal.key()), wal.key(), new ContentDigest(wal.sha256(), -1));
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            if (sync) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot write " + destination + ": "
                    + (Files.isDirectory(dir) ? LocalFileProblem.reason(e) : "directory " + dir + " does not exist"),
                    "check free space and permissions of " + dir, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: the temporary name is never read
            }
        }
    }

    /**
     * Reads a stored WAL file whole and checks it against the SHA-256 in its key (and its
     * size, unless {@code size} is negative), without writing it anywhere.
     *
     * @throws LifeboatException {@link ErrorCode#CORRUPT} naming the object when it differs
     */
    public void verify(ArchivedWal wal, long size) {
        try (InputStream in = codec.decodeVerified(store.get(wal.key()), wal.key(), new ContentDigest(wal.sha256(), size))) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + wal.key() + ": " + e.getMessage(),
                    "restore the file from another copy of the repository", e);
        }
    }

    /**
     * A stored WAL file's content as far as a check of its name needs it: its first bytes and
     * its size, read in full and checked against the SHA-256 in its key.
     */
    public record StoredContent(byte[] head, long size) {
    }

    /**
     * Reads a stored WAL file whole, checked as {@link #verify} checks it, keeping its first
     * {@code headLength} bytes.
     *
     * @throws LifeboatException {@link ErrorCode#CORRUPT} naming the object when it fails its checksum
     */
    public StoredContent inspect(ArchivedWal wal, int headLength) {
        try (InputStream in = codec.decodeVerified(store.get(wal.key()), wal.key(), new ContentDigest(wal.sha256(), -1))) {
            byte[] head = in.readNBytes(headLength);
            long rest = in.transferTo(OutputStream.nullOutputStream());
            return new StoredContent(head, head.length + rest);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + wal.key() + ": " + e.getMessage(),
                    "restore the file from another copy of the repository", e);
        }
    }

    /**
     * Moves a stored WAL file aside, to {@link RepositoryLayout#quarantined}: copied there
     * byte for byte first, removed from the archive only once the copy is stored, so that the
     * name is free for the real file and nothing is ever lost. The caller must have proven
     * that the object is not what its name says.
     *
     * @return the key of the quarantined copy
     */
    public String quarantine(ArchivedWal wal) {
        String target = RepositoryLayout.quarantined(wal.key());
        try {
            store.put(target, new BlobContent() {
                @Override
                public InputStream open() {
                    return store.get(wal.key());
                }

                @Override
                public long length() {
                    return wal.storedSize();
                }
            }, PutMode.CREATE_ONLY);
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                throw e;
            }
            // an earlier run copied it and was stopped before the removal: the copy is there
        }
        store.delete(wal.key());
        return target;
    }

    /** Every archived WAL file whose key starts with the prefix (use "" for all), in key order. */
    public Stream<ArchivedWal> list(String timelineHex) {
        String prefix = RepositoryLayout.WAL_PREFIX + (timelineHex == null ? "" : timelineHex + "/");
        return store.list(prefix).map(WalArchive::parse).flatMap(Optional::stream);
    }

    /** The summary stored in front of a segment, if it has one. */
    public Optional<WalSummary> summary(ArchivedWal wal) {
        try (InputStream in = store.get(wal.key(), 0, SUMMARY_READ_AHEAD)) {
            byte[] head = in.readAllBytes();
            if (head.length < 8) {
                return Optional.empty();
            }
            ByteBuffer buffer = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if (buffer.getInt() != SUMMARY_FRAME_MAGIC) {
                return Optional.empty();
            }
            int size = buffer.getInt();
            byte[] json;
            if (8 + size <= head.length) {
                json = java.util.Arrays.copyOfRange(head, 8, 8 + size);
            } else {
                try (InputStream rest = store.get(wal.key(), 8, size)) {
                    json = rest.readAllBytes();
                }
            }
            return Optional.of(Json.mapper().readValue(json, WalSummary.class));
        } catch (IOException e) {
            return Optional.empty(); // advisory: an unreadable summary is an unknown one
        }
    }

    private static byte[] summaryFrame(WalSummary summary) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(summary);
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 8);
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(SUMMARY_FRAME_MAGIC).putInt(json.length);
            out.write(header.array());
            out.write(json);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<ArchivedWal> parse(BlobInfo blob) {
        String key = blob.key();
        String base = key.substring(key.lastIndexOf('/') + 1);
        Matcher m = STORED_NAME.matcher(base);
        if (!m.matches() || !isArchivableName(m.group(1))) {
            return Optional.empty();
        }
        return Optional.of(new ArchivedWal(m.group(1), m.group(2), key, blob.size(), blob.lastModified()));
    }

    private static void requireName(String fileName) {
        if (!isArchivableName(fileName)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + fileName + "' is not a WAL file name",
                    "PostgreSQL passes names like 000000010000000000000003 or 00000002.history (%f)");
        }
    }
}
