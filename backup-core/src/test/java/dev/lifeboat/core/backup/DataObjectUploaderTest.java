package dev.lifeboat.core.backup;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataObjectUploaderTest {

    @Test
    void thePacksHeldAtOnceFitHalfTheHeapWhateverTheJobs() {
        assertThat(DataObjectUploader.packsAtOnce(160L << 20)).as("bin/lifeboat's backup heap").isEqualTo(5);
        assertThat(DataObjectUploader.packsAtOnce(16L << 20)).as("a tiny heap still builds packs, one at a time").isEqualTo(1);
        assertThat(DataObjectUploader.packsAtOnce(6L << 30)).isEqualTo(64);
        assertThat(DataObjectUploader.packsAtOnce(160L << 20) * DataObjectUploader.PACK_BUFFER_AT_MOST).isLessThanOrEqualTo(80L << 20);
    }
}
