package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --tablespace-map NAME_OR_OID=/new/path, as the operator types it. */
class TablespaceRemapTest {

    @Test
    void namesAndOidsMapToNormalisedAbsolutePathsInOrder() {
        assertThat(TablespaceRemap.parse(List.of("fast=/srv/pg/fast/", "16390=/srv/pg/../pg/slow", "odd=name=/srv/odd=name")))
                .containsExactly(
                        java.util.Map.entry("fast", Path.of("/srv/pg/fast")),
                        java.util.Map.entry("16390", Path.of("/srv/pg/slow")),
                        java.util.Map.entry("odd=name", Path.of("/srv/odd=name")));
        assertThat(TablespaceRemap.parse(List.of())).isEmpty();
        assertThat(TablespaceRemap.parse(null)).isEmpty();
    }

    @Test
    void aSpecWithoutNameOrPathIsAUsageError() {
        for (String spec : List.of("fast", "=/srv/fast", "fast=", " = ")) {
            assertThatThrownBy(() -> TablespaceRemap.parse(List.of(spec)))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.hint()).contains("--tablespace-map fast_disk=/srv/pg/fast_disk");
                    })
                    .hasMessage("--tablespace-map '" + spec + "' is not NAME_OR_OID=/new/path");
        }
    }

    @Test
    void aRelativePathIsRefused() {
        assertThatThrownBy(() -> TablespaceRemap.parse(List.of("fast=srv/fast")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessage("--tablespace-map fast: 'srv/fast' is not an absolute path");
    }

    @Test
    void theSameTablespaceTwiceIsRefused() {
        assertThatThrownBy(() -> TablespaceRemap.parse(List.of("fast=/a", "fast=/b")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessage("--tablespace-map names fast twice");
    }
}
