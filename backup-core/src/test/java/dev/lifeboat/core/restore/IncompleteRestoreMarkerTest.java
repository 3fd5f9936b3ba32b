package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A directory left by an interrupted restore is named as such when the next restore meets it. */
class IncompleteRestoreMarkerTest {

    @TempDir
    Path pgdata;

    @Test
    void anInterruptedRestoreIsNamedAndTheHintSaysSo() throws IOException {
        IncompleteRestoreMarker.place(pgdata, "20261120-140000F");
        assertThatThrownBy(() -> IncompleteRestoreMarker.refuseIfPresent(pgdata)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DESTINATION);
            assertThat(e.getMessage()).contains("holds a restore that was interrupted");
            assertThat(e.hint()).contains("was interrupted").contains("delete " + pgdata);
        });
        IncompleteRestoreMarker.remove(pgdata);
        assertThatCode(() -> IncompleteRestoreMarker.refuseIfPresent(pgdata)).doesNotThrowAnyException();
    }

    @Test
    void ofTwoRestoresIntoOneDirectoryOnlyOnePlacesTheMarker() throws IOException {
        assertThat(IncompleteRestoreMarker.place(pgdata, "20261120-140000F")).isTrue();
        assertThat(IncompleteRestoreMarker.place(pgdata, "20261121-140000F")).isFalse();
        assertThat(Files.readString(pgdata.resolve(IncompleteRestoreMarker.FILE_NAME))).contains("20261120-140000F");
    }
}
