package dev.lifeboat.core.archive;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentBuffersTest {

    @Test
    void aPairGivenBackIsLentAgainAndTheBudgetIsNeverExceeded() {
        SegmentBuffers buffers = new SegmentBuffers(2 * 1536);
        SegmentBuffers.Lent first = buffers.lend(1024, 512);
        SegmentBuffers.Lent second = buffers.lend(1024, 512);

        assertThat(first.segment()).hasSize(1024);
        assertThat(first.frameRoom()).hasSize(512);
        assertThat(buffers.lend(1024, 512)).as("a third would exceed the budget").isNull();

        buffers.giveBack(first);
        assertThat(buffers.lend(1024, 512)).isSameAs(first);
        assertThat(second).isNotSameAs(first);
        assertThat(buffers.held()).isEqualTo(2 * 1536);
    }

    @Test
    void theFrameRoomCountsAgainstTheBudget() {
        SegmentBuffers buffers = new SegmentBuffers(2 * 1024);
        SegmentBuffers.Lent lent = buffers.lend(1024, 1024);

        assertThat(lent).isNotNull();
        assertThat(buffers.lend(1024, 1)).as("the segment fits the budget, its room does not").isNull();
        assertThat(buffers.held()).isEqualTo(2 * 1024);
    }

    @Test
    void idleArraysOfAnotherSizeMakeRoomForTheSizeAskedFor() {
        SegmentBuffers buffers = new SegmentBuffers(2 * 1024);
        buffers.giveBack(buffers.lend(1536, 512));

        SegmentBuffers.Lent smaller = buffers.lend(768, 256);

        assertThat(smaller.segment()).hasSize(768);
        assertThat(buffers.lend(768, 256)).as("the idle 2 KiB pair was dropped, so 1 KiB is left").isNotNull();
        assertThat(buffers.lend(1, 0)).isNull();
    }

    @Test
    void theBudgetIsHalfTheHeapAnd256MiBAtMost() {
        assertThat(WalPushService.memoryBudget(96L << 20)).isEqualTo(48L << 20);
        assertThat(WalPushService.memoryBudget(6L << 30)).isEqualTo(256L << 20);
    }
}
