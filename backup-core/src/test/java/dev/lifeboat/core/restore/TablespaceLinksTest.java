package dev.lifeboat.core.restore;

import dev.lifeboat.core.repo.BackupManifest.Tablespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** pg_tblspc links and tablespace_map, as PostgreSQL reads them. */
class TablespaceLinksTest {

    @TempDir
    Path temp;

    @Test
    void eachTablespaceGetsALinkAndAMapLine() throws IOException {
        Path pgdata = Files.createDirectories(temp.resolve("pgdata"));
        Path fast = temp.resolve("fast");
        List<TablespacePlacement> placements = List.of(new TablespacePlacement(new Tablespace(16390, "fast", "/old"), fast, false));

        TablespaceLinks.write(pgdata, placements);

        assertThat(Files.readSymbolicLink(pgdata.resolve("pg_tblspc/16390"))).isEqualTo(fast);
        assertThat(pgdata.resolve("tablespace_map")).hasContent("16390 " + fast + "\n");
    }

    @Test
    void withoutTablespacesNothingIsWritten() throws IOException {
        Path pgdata = Files.createDirectories(temp.resolve("pgdata"));
        TablespaceLinks.write(pgdata, List.of());
        assertThat(pgdata).isEmptyDirectory();
    }

    @Test
    void backslashesAndLineBreaksInAPathAreEscapedAsPostgresqlDoes() {
        Tablespace odd = new Tablespace(1, "odd", "/x");
        assertThat(TablespaceLinks.mapText(List.of(new TablespacePlacement(odd, Path.of("/srv/a\\b\nc"), false))))
                .isEqualTo("1 /srv/a\\\\b\\\nc\n");
    }
}
