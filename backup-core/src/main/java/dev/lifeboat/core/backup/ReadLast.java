package dev.lifeboat.core.backup;

import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The files a backup must read after all others. Restoring a backup taken on a standby, PostgreSQL
 * takes the minimum recovery point in the copied pg_control as the point where the backup
 * becomes consistent (there is no end-of-backup record in the WAL of a standby backup). That
 * point covers every page the standby had written when pg_control was read, so pg_control is
 * read last, and always read, never reused from a parent backup. On a primary, order does not matter.
 *
 * @param others the files to read first (and, for an incremental, to compare with the parent)
 * @param last   global/pg_control of a standby; empty for a primary
 */
record ReadLast(List<FileEntry> others, List<FileEntry> last) {

    static final String CONTROL_FILE = "global/pg_control";

    static ReadLast of(List<FileEntry> files, boolean fromStandby) {
        if (!fromStandby) {
            return new ReadLast(files, List.of());
        }
        List<FileEntry> others = new ArrayList<>();
        List<FileEntry> last = new ArrayList<>();
        for (FileEntry f : files) {
            (f.path().equals(CONTROL_FILE) ? last : others).add(f);
        }
        return new ReadLast(others, last);
    }
}
