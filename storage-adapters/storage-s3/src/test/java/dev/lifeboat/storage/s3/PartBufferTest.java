package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.GeneratedContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

class PartBufferTest {

    private static final int PART = 1000;

    /** Splits content into parts the way a put does, and checks they add up to the content. */
    private static int partsOf(GeneratedContent content, long declared) throws IOException {
        PartBuffer buffer = new PartBuffer(PART, declared);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int parts = 0;
        try (InputStream in = content.open()) {
            do {
                buffer.fill(in);
                assertThat(buffer.size()).isBetween(buffer.ended() ? 0 : PART, PART);
                assertThat(buffer.allocated()).isLessThanOrEqualTo(PART);
                buffer.newStream().transferTo(joined);
                parts++;
            } while (!buffer.ended());
        }
        assertThat(joined.toByteArray()).isEqualTo(content.bytes());
        return parts;
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 999, 1000, 1001, 2000, 2999})
    void contentSplitsIntoFullPartsAndOneLastPart(int length) throws IOException {
        int expected = Math.max(1, (length + PART - 1) / PART);

        assertThat(partsOf(GeneratedContent.of(length, length), -1)).isEqualTo(expected);
        assertThat(partsOf(GeneratedContent.of(length, length), length)).isEqualTo(expected);
    }

    @Test
    void aKnownShortLengthGetsAnExactBufferThatNeverGrows() throws IOException {
        PartBuffer buffer = new PartBuffer(1 << 20, 300);

        buffer.fill(GeneratedContent.of(300, 1).open());

        assertThat(buffer.ended()).isTrue();
        assertThat(buffer.size()).isEqualTo(300);
        assertThat(buffer.allocated()).isEqualTo(300);
    }

    @Test
    void anUnknownLengthStartsSmallAndGrowsOnlyAsFarAsThePart() throws IOException {
        PartBuffer buffer = new PartBuffer(8 << 20, -1);
        assertThat(buffer.allocated()).isEqualTo(256 * 1024);

        buffer.fill(GeneratedContent.of(3 << 20, 2).open());

        assertThat(buffer.ended()).isTrue();
        assertThat(buffer.allocated()).isEqualTo(4 << 20);

        PartBuffer capped = new PartBuffer(5 << 20, -1);
        capped.fill(GeneratedContent.of(20 << 20, 3).open());
        assertThat(capped.ended()).isFalse();
        assertThat(capped.allocated()).isEqualTo(5 << 20);
    }

    @Test
    void theStreamCanBeReadAgain() throws IOException {
        PartBuffer buffer = new PartBuffer(PART, -1);
        buffer.fill(GeneratedContent.of(10, 4).open());

        assertThat(buffer.newStream().readAllBytes()).isEqualTo(buffer.newStream().readAllBytes()).hasSize(10);
    }
}
