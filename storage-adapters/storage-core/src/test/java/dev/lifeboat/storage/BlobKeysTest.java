package dev.lifeboat.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlobKeysTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a", "wal/00000001/000000010000000000000001-0f3a.zst", "backup/20260101T000000F/manifest.json",
            "..x/x..", ".hidden", "a b/c~d", "tmp-not-reserved/.tmp"})
    void validKeysPass(String key) {
        assertThat(BlobKeys.check(key)).isEqualTo(key);
    }

    @Test
    void limitsAreThoseOfS3KeysAndFileNames() {
        assertThat(BlobKeys.check("x".repeat(255))).hasSize(255);
        assertThat(BlobKeys.check(("x".repeat(254) + "/").repeat(4) + "x".repeat(4))).hasSize(1024);
        assertThatThrownBy(() -> BlobKeys.check("x".repeat(256))).hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> BlobKeys.check(("x".repeat(254) + "/").repeat(4) + "x".repeat(5)))
                .hasMessageContaining("longer than 1024");
    }

    @Test
    void messagesSayWhatIsWrongOnOneLine() {
        assertThatThrownBy(() -> BlobKeys.check("a//b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid blob key 'a//b': has an empty segment (leading, trailing or double '/')");
        assertThatThrownBy(() -> BlobKeys.check("a\nb")).hasMessageNotContaining("\n").hasMessageContaining("U+000A");
        assertThatThrownBy(() -> BlobKeys.check(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "a", "a/", "a/b/", "wal/00000001/000000010000000000000003-", "a/..x", "a/.", "a/..", "a/.tmp"})
    void validPrefixesPass(String prefix) {
        assertThat(BlobKeys.checkPrefix(prefix)).isEqualTo(prefix);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"/", "/a", "a//", "../", "./a", "a/../b", ".tmp-x/"})
    void invalidPrefixesFail(String prefix) {
        assertThatThrownBy(() -> BlobKeys.checkPrefix(prefix)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid blob prefix");
    }
}
