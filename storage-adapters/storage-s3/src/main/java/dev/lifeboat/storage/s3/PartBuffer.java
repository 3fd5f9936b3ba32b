package dev.lifeboat.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The bytes of one upload part, read from the content to store: the only place a put holds
 * content in memory, so its capacity bounds a put's memory.
 *
 * <p>It grows as it fills (a WAL .history file of unknown length must not cost a whole part's
 * worth of memory) and is reused for every part of an upload. After a fill it knows whether the
 * content ended: a full buffer reads one byte ahead, which starts the next part.
 */
final class PartBuffer {

    private static final int INITIAL_CAPACITY = 256 * 1024;
    private static final int MIN_GROWTH = 64 * 1024;

    private final int capacity;
    private byte[] bytes;
    private int size;
    private boolean ended;
    /** The byte read ahead by a full fill, or -1. */
    private int carried = -1;

    /**
     * @param capacity the most bytes a part may hold
     * @param expected the content's declared length, or -1: a known short content gets an exact buffer
     */
    PartBuffer(int capacity, long expected) {
        this.capacity = capacity;
        int initial = expected >= 0 && expected <= capacity ? (int) expected : Math.min(capacity, INITIAL_CAPACITY);
        this.bytes = new byte[initial];
    }

    /**
     * Replaces the buffer's bytes with the next part of {@code in}: up to the capacity, fewer only
     * at the end of the content. Exceptions of the stream pass through unchanged.
     */
    void fill(InputStream in) throws IOException {
        size = 0;
        if (carried >= 0) {
            bytes[size++] = (byte) carried;
            carried = -1;
        }
        while (true) {
            if (size == bytes.length) {
                // Full: one byte ahead tells the end of the content from a part boundary, and
                // a buffer sized exactly for a known length never grows.
                int next = in.read();
                if (next < 0) {
                    ended = true;
                    return;
                }
                if (size == capacity) {
                    carried = next;
                    return;
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(capacity, Math.max(MIN_GROWTH, 2L * bytes.length)));
                bytes[size++] = (byte) next;
                continue;
            }
            int n = in.read(bytes, size, bytes.length - size);
            if (n < 0) {
                ended = true;
                return;
            }
            size += n;
        }
    }

    /** Whether the content ended with this part. */
    boolean ended() {
        return ended;
    }

    /** The number of bytes in this part. */
    int size() {
        return size;
    }

    /** The memory this buffer holds now. */
    int allocated() {
        return bytes.length;
    }

    /** A fresh stream over this part's bytes (the SDK may read it twice: signing, then sending). */
    InputStream newStream() {
        return new ByteArrayInputStream(bytes, 0, size);
    }
}
