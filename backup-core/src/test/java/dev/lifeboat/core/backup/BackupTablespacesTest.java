package dev.lifeboat.core.backup;

import dev.lifeboat.core.repo.BackupManifest.Tablespace;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a backup records of the cluster's tablespaces: the links it followed, named from pg_tablespace. */
class BackupTablespacesTest {

    @Test
    void eachTablespaceLinkIsRecordedWithItsNameAndLocation() {
        List<DataDirectoryInventory.LinkEntry> links = List.of(
                new DataDirectoryInventory.LinkEntry("pg_tblspc/16390", "/srv/disks/fast"),
                new DataDirectoryInventory.LinkEntry("pg_tblspc/16391", "/srv/disks/gone"));

        assertThat(BackupTablespaces.of(links, Map.of(16390L, "fast"))).containsExactly(
                new Tablespace(16390, "fast", "/srv/disks/fast"),
                new Tablespace(16391, null, "/srv/disks/gone")); // dropped while the backup ran
    }

    @Test
    void otherLinksAreNotTablespaces() {
        assertThat(BackupTablespaces.of(List.of(new DataDirectoryInventory.LinkEntry("pg_tblspc/notes", "/tmp")), Map.of())).isEmpty();
        assertThat(BackupTablespaces.of(List.of(), Map.of(1L, "x"))).isEmpty();
    }
}
