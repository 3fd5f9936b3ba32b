package dev.lifeboat.core.archive;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentBuffersTest {

    @Test
    void anArrayGivenBackIsLentAgainAndTheBudgetIsNeverExceeded() {
        SegmentBuffers buffers = new SegmentBuffers(2 * 1024);
        byte[] first = buffers.lend(1024);
        byte[] second = buffers.lend(1024);

        assertThat(first).hasSize(1024);
        assertThat(buffers.lend(1024)).as("a third would exceed the budget").isNull();

        buffers.giveBack(first);
        assertThat(buffers.lend(1024)).isSameAs(first);
        assertThat(second).isNotSameAs(first);
    }

    @Test
    void idleArraysOfAnotherSizeMakeRoomForTheSizeAskedFor() {
        SegmentBuffers buffers = new SegmentBuffers(2 * 1024);
        buffers.giveBack(buffers.lend(2 * 1024));

        byte[] smaller = buffers.lend(1024);

        assertThat(smaller).hasSize(1024);
        assertThat(buffers.lend(1024)).as("the idle 2 KiB array was dropped, so 1 KiB is left").hasSize(1024);
        assertThat(buffers.lend(1)).isNull();
    }
}
