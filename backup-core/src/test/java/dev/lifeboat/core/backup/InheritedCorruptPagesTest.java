package dev.lifeboat.core.backup;

import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An incremental backup that reuses a file unchanged from its parent holds the parent's copy of
 * it, corrupt pages included: they are listed for it too; those of files copied again are not.
 */
class InheritedCorruptPagesTest {

    private static final Instant START = Instant.parse("2026-11-25T02:00:00Z");

    @Test
    void corruptPagesOfReusedFilesCarryOverAndOthersDoNot() {
        BackupManifest.CorruptPages reusedBad = pages("base/5/16384", "3");
        BackupManifest.CorruptPages copiedAgain = pages("base/5/16390", "0");
        BackupManifest.CorruptPages foundNow = pages("base/5/16400", "7-9");
        BackupManifest parent = parent(new BackupManifest.PageChecksums(true, List.of(reusedBad, copiedAgain)));
        List<BackupManifest.File> reused = List.of(file("base/5/16384"), file("base/5/16385"));

        assertThat(BackupService.corruptPages(List.of(foundNow), parent, reused)).containsExactly(reusedBad, foundNow);
        assertThat(BackupService.corruptPages(List.of(foundNow), null, List.of())).containsExactly(foundNow);
        assertThat(BackupService.corruptPages(List.of(), parent(null), reused)).isEmpty();
    }

    private static BackupManifest.CorruptPages pages(String path, String blocks) {
        return new BackupManifest.CorruptPages(path, 5, "postgres", Long.parseLong(path.substring(path.lastIndexOf('/') + 1)),
                null, "main", 1, List.of(blocks));
    }

    private static BackupManifest.File file(String path) {
        return new BackupManifest.File(path, 8192, "sha", 0600, START.minusSeconds(60), "data/x/000001.zst", 0, 100);
    }

    private static BackupManifest parent(BackupManifest.PageChecksums checks) {
        return new BackupManifest(1, "20261125-020000F", BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1, "0/2000028",
                "0/2000100", "000000010000000000000002", "000000010000000000000002", START, START.plusSeconds(5), 700,
                "START TIMELINE: 1", null, new BackupManifest.Totals(0, 0, 0, 1), "test", "host", checks, List.of(), List.of(),
                List.of(), null);
    }
}
