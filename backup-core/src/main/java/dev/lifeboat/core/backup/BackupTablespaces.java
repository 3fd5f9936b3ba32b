package dev.lifeboat.core.backup;

import dev.lifeboat.core.repo.BackupManifest;

import java.util.List;
import java.util.Map;

/**
 * The tablespaces a backup records: one per link under pg_tblspc (the directories whose files
 * it copied), named from pg_tablespace. A tablespace dropped while the backup ran has no name
 * any more; WAL replay drops it again.
 */
final class BackupTablespaces {

    private static final String PREFIX = "pg_tblspc/";

    private BackupTablespaces() {
    }

    static List<BackupManifest.Tablespace> of(List<DataDirectoryInventory.LinkEntry> links, Map<Long, String> names) {
        return links.stream()
                .filter(l -> l.path().startsWith(PREFIX) && l.path().substring(PREFIX.length()).matches("\\d+"))
                .map(l -> {
                    long oid = Long.parseLong(l.path().substring(PREFIX.length()));
                    return new BackupManifest.Tablespace(oid, names.get(oid), l.target());
                })
                .toList();
    }
}
