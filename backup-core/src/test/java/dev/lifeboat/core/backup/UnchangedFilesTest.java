package dev.lifeboat.core.backup;

import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnchangedFilesTest {

    private static final Instant PARENT_START = Instant.parse("2026-11-25T02:00:00.700Z");
    private static final Instant EARLIER = Instant.parse("2026-11-25T01:00:00.123456789Z");

    @Test
    void onlyFilesWithTheSameSizeAndTimeFromBeforeTheParentsStartSecondAreReused() {
        BackupManifest parent = parent(List.of(
                stored("base/1/1", 8192, EARLIER, "data/20261125-020000F/000001.zst"),
                stored("base/1/2", 8192, EARLIER, "data/20261125-010000F/000003.zst"),     // itself reused from further up
                stored("base/1/3", 8192, EARLIER, "data/20261125-020000F/000001.zst"),
                stored("base/1/4", 8192, Instant.parse("2026-11-25T02:00:00.100Z"), "data/20261125-020000F/000001.zst"),
                stored("base/1/5", 8192, EARLIER, "data/20261125-020000F/000001.zst")));

        UnchangedFiles.Split split = UnchangedFiles.split(List.of(
                file("base/1/1", 8192, EARLIER),                                   // unchanged
                file("base/1/2", 8192, EARLIER),                                   // unchanged, object of the grandparent
                file("base/1/3", 16384, EARLIER),                                  // grew
                file("base/1/4", 8192, Instant.parse("2026-11-25T02:00:00.100Z")), // same time, but in the parent's start second
                file("base/1/5", 8192, EARLIER.plusNanos(1)),                      // touched
                file("base/1/6", 0, EARLIER)), parent);                            // new

        assertThat(split.reused()).extracting(BackupManifest.File::path).containsExactly("base/1/1", "base/1/2");
        assertThat(split.reused().get(1).object()).isEqualTo("data/20261125-010000F/000003.zst");
        assertThat(split.reused().get(0).sha256()).isEqualTo("sha-base/1/1");
        assertThat(split.toCopy()).extracting(FileEntry::path).containsExactly("base/1/3", "base/1/4", "base/1/5", "base/1/6");
    }

    private static FileEntry file(String path, long size, Instant modified) {
        return new FileEntry(path, Path.of("/nonexistent", path), size, 0600, modified);
    }

    private static BackupManifest.File stored(String path, long size, Instant modified, String object) {
        return new BackupManifest.File(path, size, "sha-" + path, 0600, modified, object, 100, 50);
    }

    private static BackupManifest parent(List<BackupManifest.File> files) {
        return new BackupManifest(1, "20261125-020000F", BackupType.FULL, null, "7441", 15, "15.18", 16 << 20, 1, "0/2000028",
                "0/2000100", "000000010000000000000002", "000000010000000000000002", PARENT_START, PARENT_START.plusSeconds(5), 700,
                "START TIMELINE: 1", null, new BackupManifest.Totals(files.size(), 0, 0, 1), "test", "host", List.of(), List.of(), files);
    }
}
