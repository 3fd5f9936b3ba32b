package dev.lifeboat.core.archive;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Arrays that hold whole WAL segments while they are pushed, reused from one segment to the
 * next: a fresh 16 MiB array per segment costs the zeroing of 16 MiB and garbage collections
 * that copy live segments about, a tenth of the CPU a push takes. The bytes held in all, lent
 * or kept, never exceed the budget; a push that finds it spent streams from the file instead.
 */
final class SegmentBuffers {

    private final long budget;
    private final Deque<byte[]> idle = new ArrayDeque<>();
    private long held;

    SegmentBuffers(long budget) {
        this.budget = budget;
    }

    /** An array of exactly {@code size} bytes (its content is whatever it last held), or null when the budget is spent. */
    synchronized byte[] lend(int size) {
        for (byte[] candidate : idle) {
            if (candidate.length == size) {
                idle.remove(candidate);
                return candidate;
            }
        }
        while (held + size > budget && !idle.isEmpty()) {
            held -= idle.removeFirst().length; // arrays of another size: a repository with another segment size
        }
        if (held + size > budget) {
            return null;
        }
        held += size;
        return new byte[size];
    }

    /** Takes an array back; nothing may read it afterwards. */
    synchronized void giveBack(byte[] buffer) {
        idle.addFirst(buffer);
    }
}
