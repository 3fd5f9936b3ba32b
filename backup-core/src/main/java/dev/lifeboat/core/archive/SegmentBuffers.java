package dev.lifeboat.core.archive;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Arrays that hold whole WAL segments while they are pushed, each with the room its compressed
 * frame is written into, reused from one segment to the next: a fresh 16 MiB array per segment
 * costs the zeroing of 16 MiB and garbage collections that copy live segments about, a tenth of
 * the CPU a push takes. The bytes held in all, lent or kept, segments and frame rooms alike,
 * never exceed the budget (a room kept per thread instead grew with the threads, not the
 * budget); a push that finds it spent streams from the file instead.
 */
final class SegmentBuffers {

    /** A segment's array and the room for its compressed frame, lent together. */
    record Lent(byte[] segment, byte[] frameRoom) {
        long bytes() {
            return (long) segment.length + frameRoom.length;
        }
    }

    private final long budget;
    private final Deque<Lent> idle = new ArrayDeque<>();
    private long held;

    SegmentBuffers(long budget) {
        this.budget = budget;
    }

    /**
     * An array of exactly {@code size} bytes with a frame room of exactly {@code room} bytes (their
     * content is whatever they last held), or null when the budget cannot hold both.
     */
    synchronized Lent lend(int size, int room) {
        for (Lent candidate : idle) {
            if (candidate.segment().length == size && candidate.frameRoom().length == room) {
                idle.remove(candidate);
                return candidate;
            }
        }
        long wanted = (long) size + room;
        while (held + wanted > budget && !idle.isEmpty()) {
            held -= idle.removeFirst().bytes(); // arrays of another size: a repository with another segment size
        }
        if (held + wanted > budget) {
            return null;
        }
        held += wanted;
        return new Lent(new byte[size], new byte[room]);
    }

    /** Takes a pair back; nothing may read either array afterwards. */
    synchronized void giveBack(Lent lent) {
        idle.addFirst(lent);
    }

    /** The bytes lent or kept now (never above the budget). */
    synchronized long held() {
        return held;
    }
}
