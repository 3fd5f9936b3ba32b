package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Restore destinations that cannot work are refused by where they are, symbolic links resolved. */
class RestoreDestinationCheckTest {

    @TempDir
    Path temp;

    @Test
    void insideADataDirectoryIsRefusedAndNamesIt() throws IOException {
        Path pgdata = Files.createDirectories(temp.resolve("pg15/main"));
        Files.writeString(pgdata.resolve("PG_VERSION"), "15\n");
        Files.createDirectories(pgdata.resolve("global"));
        Files.writeString(pgdata.resolve("postmaster.pid"), "123\n");

        assertThatThrownBy(() -> RestoreDestinationCheck.require(pgdata.resolve("restored/deeper"), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
                        .isEqualTo(ErrorCode.DESTINATION))
                .hasMessageContaining("is inside the data directory " + pgdata.toRealPath() + " of a running server");
    }

    @Test
    void insideARepositoryIsRefusedAlsoThroughASymbolicLink() throws IOException {
        Path repository = Files.createDirectories(temp.resolve("repo"));
        Path link = Files.createSymbolicLink(temp.resolve("link"), repository);

        assertThatThrownBy(() -> RestoreDestinationCheck.require(repository.resolve("restored"), repository, null))
                .hasMessageContaining("is inside the repository " + repository);
        assertThatThrownBy(() -> RestoreDestinationCheck.require(link.resolve("restored"), repository, null))
                .hasMessageContaining("is inside the repository " + repository);
        assertThatThrownBy(() -> RestoreDestinationCheck.require(temp, repository, null))
                .hasMessageContaining("contains the repository");
    }

    @Test
    void aNewDirectoryNextToThemIsFine() throws IOException {
        Path repository = Files.createDirectories(temp.resolve("repo"));
        assertThatCode(() -> RestoreDestinationCheck.require(temp.resolve("restored/new"), repository, null)).doesNotThrowAnyException();
    }
}
