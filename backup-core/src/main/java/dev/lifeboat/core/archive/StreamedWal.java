package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.LocalFileProblem;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.repo.BoundedStream;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryLayout;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Streamed WAL: the received part of the segment PostgreSQL is still writing, stored (and
 * replaced as it grows) so that a crash of the primary loses at most the last second. Once the
 * segment is complete it is archived like any other and its streamed part is deleted.
 *
 * <p>An object is a zstd skippable frame holding a {@link Header} as JSON (the content's
 * length and SHA-256, verified on every read), then the received bytes as a zstd frame.
 * Recovery wants a whole segment: {@link #fetch} pads the received bytes with zeros, where
 * PostgreSQL finds the end of the WAL, as in a segment pg_receivewal is still writing.
 */
public final class StreamedWal {

    /** Skippable frame magic 0x184D2A5D (WAL summaries use ...5E). */
    private static final int HEADER_FRAME_MAGIC = 0x184D2A5D;
    private static final int HEADER_READ_AHEAD = 1024;

    /** What a streamed object holds. */
    public record Header(String segment, long bytes, String sha256, String endLsn, Instant storedAt) {
    }

    /** A streamed object as listed. */
    public record Streamed(String segment, String key, long storedSize, Instant storedAt) {
    }

    private final BlobStore store;
    private final ObjectCodec codec;

    StreamedWal(BlobStore store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** The streamed parts, not yet archived, of the segments of a repository's cluster. */
    public static StreamedWal of(Repository repository) {
        return new StreamedWal(repository.store(), repository.walCodec());
    }

    /**
     * Stores (replacing) the first {@code length} bytes of {@code file} as the streamed part of
     * {@code segment}; {@code endLsn} is where they end.
     */
    public void store(String segment, Path file, long length, String endLsn) {
        String sha256 = sha256(file, length);
        byte[] header = headerFrame(new Header(segment, length, sha256, endLsn, Instant.now()));
        store.put(RepositoryLayout.streamedSegment(segment), () -> new SequenceInputStream(new ByteArrayInputStream(header),
                codec.encodeKnown(prefix(file, length))), PutMode.REPLACE);
    }

    public Optional<Streamed> find(String segment) {
        String key = RepositoryLayout.streamedSegment(segment);
        return store.stat(key).map(info -> new Streamed(segment, key, info.size(), info.lastModified()));
    }

    /** Every streamed object, in key order (per timeline, oldest segment first). */
    public List<Streamed> list() {
        List<Streamed> all = new ArrayList<>();
        try (Stream<BlobInfo> blobs = store.list(RepositoryLayout.STREAM_PREFIX)) {
            blobs.forEach(b -> {
                String segment = RepositoryLayout.segmentOfStreamed(b.key());
                if (segment != null) {
                    all.add(new Streamed(segment, b.key(), b.size(), b.lastModified()));
                }
            });
        }
        return all;
    }

    public void delete(String segment) {
        store.delete(RepositoryLayout.streamedSegment(segment));
    }

    public Header header(Streamed streamed) {
        try (InputStream in = store.get(streamed.key(), 0, HEADER_READ_AHEAD)) {
            byte[] head = in.readAllBytes();
            ByteBuffer buffer = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if (head.length < 8 || buffer.getInt() != HEADER_FRAME_MAGIC) {
                throw new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + streamed.key() + ": no streamed WAL header",
                        "delete it; the agent stores it again while it streams");
            }
            int size = buffer.getInt();
            byte[] json = size <= head.length - 8 ? java.util.Arrays.copyOfRange(head, 8, 8 + size)
                    : readFully(store.get(streamed.key(), 8, size));
            return Json.mapper().readValue(json, Header.class);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + streamed.key() + ": unreadable header ("
                    + Json.problem(e) + ")", "delete it; the agent stores it again while it streams", e);
        }
    }

    /**
     * Writes the streamed bytes, verified, padded with zeros to {@code segmentSize}, to
     * {@code destination} (through a temporary file and a rename).
     */
    public Header fetch(Streamed streamed, Path destination, long segmentSize) {
        Header header = header(streamed);
        Path temp = destination.toAbsolutePath().getParent().resolve("." + destination.getFileName() + ".lifeboat-tmp");
        try {
            try (InputStream in = codec.decodeVerified(store.get(streamed.key()), streamed.key(),
                    new ContentDigest(header.sha256(), header.bytes()));
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                         StandardOpenOption.WRITE)) {
                in.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                if (header.bytes() < segmentSize) {
                    channel.write(ByteBuffer.allocate(1), segmentSize - 1); // the rest reads as zeros
                }
                channel.force(true);
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return header;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot write " + destination + ": " + LocalFileProblem.reason(e),
                    "check free space and permissions of " + destination.toAbsolutePath().getParent(), e);
        } catch (StorageException e) {
            if (e.isNotFound()) {
                throw new LifeboatException(ErrorCode.STORAGE, "streamed WAL " + streamed.key() + " vanished while it was read",
                        "the agent replaced or archived it meanwhile: try again", e);
            }
            throw e;
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // never read
            }
        }
    }

    private static byte[] readFully(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static InputStream prefix(Path file, long length) throws IOException {
        return BoundedStream.owning(Files.newInputStream(file), length);
    }

    private static String sha256(Path file, long length) {
        try (ObjectCodec.HashingStream hashing = ObjectCodec.hashing(prefix(file, length))) {
            hashing.transferTo(OutputStream.nullOutputStream());
            if (hashing.count() != length) {
                throw new LifeboatException(ErrorCode.STORAGE, file + " holds " + hashing.count() + " bytes, not " + length, null);
            }
            return hashing.sha256();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot read " + file + ": " + LocalFileProblem.reason(e), null, e);
        }
    }

    private static byte[] headerFrame(Header header) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(header);
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 8);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(HEADER_FRAME_MAGIC).putInt(json.length).array());
            out.write(json);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
