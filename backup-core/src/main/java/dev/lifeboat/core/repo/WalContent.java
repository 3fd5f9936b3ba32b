package dev.lifeboat.core.repo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of one WAL file to archive: the file itself, or its content already read into
 * memory. A segment read once into memory is checksummed, scanned and compressed from that one
 * copy, so what is stored is exactly what was checksummed, and the file is read once, not three
 * times. Every repository of a push reads the same content, possibly at the same time, and
 * only until the push returns (see {@link #detached()}).
 */
public sealed interface WalContent {

    /** Opens a fresh stream from the first byte; may be called any number of times. */
    InputStream open() throws IOException;

    /**
     * Content that stays valid after the push returns, for work that may outlive it: the
     * pusher reuses its in-memory array for the next segment as soon as the push returns.
     */
    WalContent detached();

    /**
     * The same content for a repository that pushes alongside others at the same time: it
     * compresses without the frame room, which only one compressor may write into.
     */
    WalContent withoutFrameRoom();

    static WalContent of(Path file) {
        return new OnDisk(file);
    }

    /** The first {@code length} bytes of {@code bytes}, which nobody may change until the push returns. */
    static WalContent of(byte[] bytes, int length) {
        return new InMemory(bytes, length, null);
    }

    /**
     * As {@link #of(byte[], int)}, with {@code frameRoom} (at least
     * {@code ObjectCodec.frameRoom(length)} bytes, the caller's until the push returns) to compress
     * the content into in one call.
     */
    static WalContent of(byte[] bytes, int length, byte[] frameRoom) {
        return new InMemory(bytes, length, frameRoom);
    }

    /** Read again from the file by each repository. */
    record OnDisk(Path file) implements WalContent {
        public OnDisk {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public WalContent detached() {
            return this;
        }

        @Override
        public WalContent withoutFrameRoom() {
            return this;
        }
    }

    /**
     * Already in memory (a segment of ordinary size). With a frame room it is compressed in one
     * call into that room, without streaming; without one it is streamed through the compressor,
     * so that no push allocates a frame-sized array of its own.
     *
     * @param frameRoom null, or an array the compressed frame is written into (one compressor at a time)
     */
    record InMemory(byte[] bytes, int length, byte[] frameRoom) implements WalContent {
        public InMemory {
            Objects.checkFromIndexSize(0, length, bytes.length);
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes, 0, length);
        }

        @Override
        public WalContent detached() {
            return new InMemory(Arrays.copyOf(bytes, length), length, null);
        }

        @Override
        public WalContent withoutFrameRoom() {
            return frameRoom == null ? this : new InMemory(bytes, length, null);
        }
    }
}
