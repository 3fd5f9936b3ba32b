package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ContentDigest;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.wal.WalSegmentHeader;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * How to tell that the bytes of a stored object are what the repository says they are, by
 * reading them once, front to back: the SHA-256 in a WAL object's key, the per-file SHA-256 a
 * manifest records for each frame of a data object, the zstd checksum of a manifest. A check
 * fails with a {@link LifeboatException} ({@link ErrorCode#CORRUPT}) naming the object.
 */
@FunctionalInterface
public interface StoredObjectCheck {

    /** Reads {@code stored} (the object's raw bytes) and fails if they are not what was recorded. */
    void check(InputStream stored) throws IOException;

    /** A WAL object: its content decodes to the SHA-256 its key names. */
    static StoredObjectCheck wal(ObjectCodec codec, ArchivedWal wal) {
        return stored -> drain(codec.decodeVerified(nonClosing(stored), wal.key(), new ContentDigest(wal.sha256(), -1)));
    }

    /**
     * A WAL object of a repository whose cluster {@code descriptor} describes: as
     * {@link #wal(ObjectCodec, ArchivedWal)}, and a segment must also be the segment its name
     * says ({@link WalSegmentMismatch}), so that a copy never spreads a wrong object stored by
     * a Lifeboat that did not check.
     */
    static StoredObjectCheck wal(ObjectCodec codec, ArchivedWal wal, RepositoryDescriptor descriptor) {
        if (!WalSegmentName.isSegmentFileName(wal.fileName())) {
            return wal(codec, wal);
        }
        WalSegmentSize segmentSize = new WalSegmentSize(descriptor.walSegmentSize());
        WalSegmentMismatch.Expected expected = new WalSegmentMismatch.Expected(descriptor.systemIdentifier(), segmentSize);
        return stored -> {
            byte[] head;
            long size;
            try (InputStream plain = codec.decodeVerified(nonClosing(stored), wal.key(), new ContentDigest(wal.sha256(), -1))) {
                head = plain.readNBytes(WalSegmentHeader.LENGTH);
                size = head.length + plain.transferTo(OutputStream.nullOutputStream());
            }
            Optional<WalSegmentMismatch> mismatch = WalSegmentMismatch.find(WalSegmentName.parse(wal.fileName(), segmentSize),
                    head, head.length, size, expected);
            if (mismatch.isPresent()) {
                throw corrupt(wal.key(), "is not segment " + wal.fileName() + ": it " + mismatch.get().detail(), null);
            }
        };
    }

    /** A manifest (zstd with a content checksum, JSON inside). */
    static StoredObjectCheck manifest(ObjectCodec codec, String key) {
        return stored -> {
            try (InputStream plain = codec.decode(nonClosing(stored), key)) {
                Json.mapper().readTree(plain);
            } catch (IOException e) {
                throw corrupt(key, "not a readable manifest: " + e.getMessage(), e);
            }
        };
    }

    /** The descriptor: JSON that names a cluster. */
    static StoredObjectCheck descriptor() {
        return stored -> {
            try {
                RepositoryDescriptor d = Json.mapper().readValue(nonClosing(stored), RepositoryDescriptor.class);
                if (d.systemIdentifier() == null) {
                    throw new IOException("no system identifier");
                }
            } catch (IOException e) {
                throw corrupt(RepositoryLayout.DESCRIPTOR, "not a readable descriptor: " + Json.problem(e), e);
            }
        };
    }

    /**
     * A data object: each file a manifest places in it is a zstd frame at its offset whose
     * content has the recorded size and SHA-256. Bytes between or after the frames are not
     * expected and fail the check.
     */
    static StoredObjectCheck dataObject(ObjectCodec codec, String key, List<BackupManifest.File> files) {
        List<BackupManifest.File> byOffset = files.stream()
                .filter(f -> f.object().equals(key))
                .sorted(Comparator.comparingLong(BackupManifest.File::offset))
                .toList();
        return stored -> {
            long position = 0;
            for (BackupManifest.File file : byOffset) {
                if (file.offset() < position) {
                    throw corrupt(key, "the frames of " + file.path() + " and the file before it overlap", null);
                }
                try {
                    stored.skipNBytes(file.offset() - position);
                } catch (java.io.EOFException e) {
                    throw corrupt(key, "ends before the frame of " + file.path(), e);
                }
                BoundedStream frame = new BoundedStream(stored, file.storedSize());
                drain(codec.decodeVerified(frame, key + " (" + file.path() + ")", new ContentDigest(file.sha256(), file.size())));
                frame.transferTo(OutputStream.nullOutputStream()); // what the decoder left of the frame
                position = file.offset() + file.storedSize();
            }
            if (stored.read() >= 0) {
                throw corrupt(key, "has bytes after the last frame its manifest records", null);
            }
        };
    }

    private static LifeboatException corrupt(String key, String detail, Throwable cause) {
        return new LifeboatException(ErrorCode.CORRUPT, "corrupt object " + key + ": " + detail,
                "copy it from another repository, or take a new backup", cause);
    }

    private static void drain(InputStream in) throws IOException {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** Lets a decoder close what it reads without closing the object's stream under it. */
    private static InputStream nonClosing(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }
}
