package dev.lifeboat.core.backup;

import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReadLastTest {

    private static final List<FileEntry> FILES = List.of(entry("PG_VERSION"), entry("base/5/1259"), entry("global/pg_control"),
            entry("global/1262"));

    @Test
    void onAStandbyPgControlIsReadAfterEveryOtherFile() {
        ReadLast standby = ReadLast.of(FILES, true);
        assertThat(standby.last()).extracting(FileEntry::path).containsExactly("global/pg_control");
        assertThat(standby.others()).extracting(FileEntry::path).containsExactly("PG_VERSION", "base/5/1259", "global/1262");
    }

    @Test
    void onAPrimaryTheOrderIsLeftAlone() {
        ReadLast primary = ReadLast.of(FILES, false);
        assertThat(primary.last()).isEmpty();
        assertThat(primary.others()).isEqualTo(FILES);
    }

    private static FileEntry entry(String path) {
        return new FileEntry(path, Path.of("/srv/pg").resolve(path), 8192, 0600, Instant.EPOCH);
    }
}
