package dev.lifeboat.core.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DataDirectoryInventoryTest {

    @Test
    void copiesWhatARestoreNeedsAndNothingOfTheServersRuntimeState(@TempDir Path pgdata) throws IOException {
        for (String file : List.of("PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "global/pg_control", "global/1262",
                "base/1/1259", "base/1/1259_fsm", "base/1/16384", "base/1/16384_init", "base/1/16384_fsm", "base/1/16384.1",
                "base/1/t3_16400", "base/1/pgsql_tmp/pgsql_tmp123.0", "base/5/pg_internal.init", "global/pg_internal.init",
                "postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal",
                "pg_wal/000000010000000000000001", "pg_wal/archive_status/000000010000000000000001.done",
                "pg_replslot/slot1/state", "pg_stat_tmp/global.stat", "pg_subtrans/0000", "pg_xact/0000", "log/server.log")) {
            Path p = pgdata.resolve(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, file);
        }
        DataDirectoryInventory.Inventory inventory = DataDirectoryInventory.of(pgdata);
        List<String> files = inventory.files().stream().map(DataDirectoryInventory.FileEntry::path).toList();
        List<String> dirs = inventory.directories().stream().map(DataDirectoryInventory.DirectoryEntry::path).toList();

        assertThat(files).containsExactlyInAnyOrder("PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "global/pg_control",
                "global/1262", "base/1/1259", "base/1/1259_fsm", "base/1/16384_init", "pg_xact/0000", "log/server.log");
        assertThat(dirs).contains("pg_wal", "pg_wal/archive_status", "pg_replslot", "pg_stat_tmp", "pg_subtrans", "base/1")
                .doesNotContain("pg_replslot/slot1", "base/1/pgsql_tmp");
        assertThat(inventory.totalBytes()).isEqualTo(inventory.files().stream().mapToLong(DataDirectoryInventory.FileEntry::size).sum());
    }

    @Test
    void followsTablespaceLinks(@TempDir Path root) throws IOException {
        Path pgdata = Files.createDirectories(root.resolve("data"));
        Path tablespace = Files.createDirectories(root.resolve("ts/PG_15_202209061/16390"));
        Files.writeString(tablespace.resolve("16400"), "rows");
        Files.createDirectories(pgdata.resolve("pg_tblspc"));
        Files.createSymbolicLink(pgdata.resolve("pg_tblspc/16399"), root.resolve("ts"));

        DataDirectoryInventory.Inventory inventory = DataDirectoryInventory.of(pgdata);

        assertThat(inventory.links()).extracting(DataDirectoryInventory.LinkEntry::path).containsExactly("pg_tblspc/16399");
        assertThat(inventory.files()).extracting(DataDirectoryInventory.FileEntry::path)
                .containsExactly("pg_tblspc/16399/PG_15_202209061/16390/16400");
    }
}
