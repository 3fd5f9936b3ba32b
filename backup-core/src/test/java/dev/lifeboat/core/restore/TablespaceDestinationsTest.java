package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest.Tablespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tablespace directories: free ones are claimed, taken ones refused, and a failed restore leaves nothing. */
class TablespaceDestinationsTest {

    @TempDir
    Path temp;

    private static final Tablespace FAST = new Tablespace(16390, "fast", "/old/fast");

    @Test
    void anOccupiedOriginalDirectoryIsRefusedWithTheRemapHint() throws IOException {
        Path taken = Files.createDirectories(temp.resolve("fast"));
        Files.writeString(taken.resolve("PG_15_202209061"), "x");
        TablespacePlacement original = new TablespacePlacement(FAST, taken, true);

        assertThatThrownBy(() -> TablespaceDestinations.require(List.of(original), temp.resolve("pgdata"), null, null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.DESTINATION);
                    assertThat(e.hint()).startsWith("restore it elsewhere with --tablespace-map fast=/new/path");
                })
                .hasMessage("cannot restore tablespace fast (oid 16390) to its original path " + taken + ": it is not empty");
    }

    @Test
    void aFileOrADirectoryInsideTheDataDirectoryIsRefused() throws IOException {
        Path file = Files.writeString(temp.resolve("file"), "x");
        assertThatThrownBy(() -> TablespaceDestinations.require(List.of(new TablespacePlacement(FAST, file, false)), temp.resolve("pgdata"), null, null))
                .hasMessageEndingWith("it is not a directory");
        Path pgdata = temp.resolve("pgdata");
        assertThatThrownBy(() -> TablespaceDestinations.require(List.of(new TablespacePlacement(FAST, pgdata.resolve("ts"), false)), pgdata, null, null))
                .hasMessageEndingWith("it is inside the restore's data directory " + pgdata);
    }

    @Test
    void anAbsentOrEmptyDirectoryIsFine() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        assertThatCode(() -> TablespaceDestinations.require(List.of(new TablespacePlacement(FAST, empty, true),
                new TablespacePlacement(new Tablespace(2, "b", "/b"), temp.resolve("new/b"), false)), temp.resolve("pgdata"), null, null))
                .doesNotThrowAnyException();
    }

    @Test
    void releaseRemovesWhatTheClaimMadeAndEmptiesWhatWasThere() throws IOException {
        Path existing = Files.createDirectories(temp.resolve("existing"));
        Path made = temp.resolve("made/deeper/fast");
        TablespaceDestinations.Claim claim = TablespaceDestinations.claim(List.of(
                new TablespacePlacement(FAST, existing, true), new TablespacePlacement(new Tablespace(2, "b", "/b"), made, false)));
        assertThat(made).isDirectory();
        Files.writeString(existing.resolve("written"), "x");
        Files.writeString(made.resolve("written"), "x");

        TablespaceDestinations.release(claim);

        assertThat(existing).isEmptyDirectory();
        assertThat(temp.resolve("made")).doesNotExist();
    }
}
