package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupManifest.Tablespace;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where a restore puts each tablespace: original, remapped by name or oid, or in a scratch home. */
class TablespacePlacementTest {

    private static final Tablespace FAST = new Tablespace(16390, "fast", "/srv/disks/fast");
    private static final Tablespace SLOW = new Tablespace(16391, "slow", "/srv/disks/slow");
    private static final List<Tablespace> BOTH = List.of(FAST, SLOW);

    @Test
    void withoutARemapEachGoesBackToItsOriginalDirectory() {
        assertThat(TablespacePlacement.plan("B", BOTH, Map.of(), null)).containsExactly(
                new TablespacePlacement(FAST, Path.of("/srv/disks/fast"), true),
                new TablespacePlacement(SLOW, Path.of("/srv/disks/slow"), true));
    }

    @Test
    void aRemapByNameOrByOidMovesOnlyThatOne() {
        assertThat(TablespacePlacement.plan("B", BOTH, Map.of("16391", Path.of("/new/slow")), null)).containsExactly(
                new TablespacePlacement(FAST, Path.of("/srv/disks/fast"), true),
                new TablespacePlacement(SLOW, Path.of("/new/slow"), false));
        assertThat(TablespacePlacement.plan("B", BOTH, Map.of("fast", Path.of("/new/fast")), null).get(0))
                .isEqualTo(new TablespacePlacement(FAST, Path.of("/new/fast"), false));
    }

    @Test
    void aRemapToTheOriginalDirectoryCountsAsOriginal() {
        assertThat(TablespacePlacement.plan("B", BOTH, Map.of("fast", Path.of("/srv/disks/fast")), null).get(0).original()).isTrue();
    }

    @Test
    void aHomeTakesEveryTablespaceNotRemappedByOid() {
        assertThat(TablespacePlacement.plan("B", BOTH, Map.of("slow", Path.of("/new/slow")), Path.of("/scratch/drill/tablespaces")))
                .containsExactly(
                        new TablespacePlacement(FAST, Path.of("/scratch/drill/tablespaces/16390"), false),
                        new TablespacePlacement(SLOW, Path.of("/new/slow"), false));
    }

    @Test
    void anOlderManifestsTablespacesComeFromItsLinksWithoutNames() {
        BackupManifest old = new BackupManifest(1, "B", null, null, null, 15, null, 0, 1, null, null, null, null, null, null, 0,
                null, "16390 /srv/disks/fast\n", null, null, null,
                List.of(new BackupManifest.Link("pg_tblspc/16390", "/srv/disks/fast")), List.of(), List.of());

        List<TablespacePlacement> placements = TablespacePlacement.plan("B", old.tablespaceList(), Map.of("16390", Path.of("/new")), null);

        assertThat(placements).containsExactly(new TablespacePlacement(new Tablespace(16390, null, "/srv/disks/fast"), Path.of("/new"), false));
        assertThat(placements.get(0).tablespace().describe()).isEqualTo("tablespace with oid 16390");
    }

    @Test
    void anUnknownNameIsAUsageErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> TablespacePlacement.plan("20261203-101500F", BOTH, Map.of("archive", Path.of("/new")), null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).isEqualTo("its tablespaces: fast (oid 16390), slow (oid 16391)");
                })
                .hasMessage("--tablespace-map names archive, which is not a tablespace of backup 20261203-101500F");
        assertThatThrownBy(() -> TablespacePlacement.plan("B", BOTH, Map.of("99999", Path.of("/new")), null))
                .hasMessageContaining("names 99999, which is not a tablespace");
        assertThatThrownBy(() -> TablespacePlacement.plan("B", List.of(), Map.of("fast", Path.of("/new")), null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.hint()).contains("has no tablespaces"));
    }

    @Test
    void oneTablespaceRemappedByNameAndByOidIsRefused() {
        Map<String, Path> remap = new java.util.LinkedHashMap<>();
        remap.put("fast", Path.of("/a"));
        remap.put("16390", Path.of("/b"));
        assertThatThrownBy(() -> TablespacePlacement.plan("B", BOTH, remap, null))
                .hasMessage("--tablespace-map maps tablespace fast (oid 16390) twice (by name and by oid)");
    }

    @Test
    void twoTablespacesInOneDirectoryOrOneInsideTheOtherAreRefused() {
        assertThatThrownBy(() -> TablespacePlacement.plan("B", BOTH, Map.of("fast", Path.of("/srv/disks/slow")), null))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessage("tablespace fast (oid 16390) and tablespace slow (oid 16391) would both be restored to /srv/disks/slow");
        assertThatThrownBy(() -> TablespacePlacement.plan("B", BOTH, Map.of("fast", Path.of("/srv/disks/slow/inner")), null))
                .hasMessageContaining("tablespace fast (oid 16390) would be restored inside tablespace slow (oid 16391)");
    }
}
