package dev.lifeboat.core.restore;

import dev.lifeboat.core.repo.BackupManifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a restore puts one of the backup's tablespaces.
 *
 * @param target   the directory pg_tblspc/OID points to in the restore
 * @param original true when that is where the tablespace was when it was backed up
 */
public record TablespacePlacement(BackupManifest.Tablespace tablespace, Path target, boolean original) {

    /**
     * The restore plan of tablespace paths: a tablespace named in {@code remap} (by name or oid)
     * goes there; any other into {@code home}/OID when a home is given (a drill's or a
     * standby's scratch space), else back to its original directory. Refuses (usage) a remap
     * naming no tablespace of the backup, one tablespace remapped twice, and two tablespaces
     * sent to one directory.
     */
    public static List<TablespacePlacement> plan(String backupId, List<BackupManifest.Tablespace> tablespaces,
                                                 Map<String, Path> remap, Path home) {
        Map<Long, Path> remapped = new HashMap<>();
        for (var entry : remap.entrySet()) {
            BackupManifest.Tablespace named = find(tablespaces, entry.getKey());
            if (named == null) {
                throw TablespaceRemap.usage(TablespaceRemap.OPTION + " names " + entry.getKey() + ", which is not a tablespace of backup "
                        + backupId, tablespaces.isEmpty() ? "backup " + backupId + " has no tablespaces; drop " + TablespaceRemap.OPTION
                        : "its tablespaces: " + known(tablespaces));
            }
            if (remapped.putIfAbsent(named.oid(), entry.getValue()) != null) {
                throw TablespaceRemap.usage(TablespaceRemap.OPTION + " maps " + named.describe() + " twice (by name and by oid)",
                        "give one new path per tablespace");
            }
        }
        List<TablespacePlacement> placements = new ArrayList<>();
        Map<Path, BackupManifest.Tablespace> taken = new LinkedHashMap<>();
        for (BackupManifest.Tablespace t : tablespaces) {
            Path original = Path.of(t.location()).toAbsolutePath().normalize();
            Path target = remapped.containsKey(t.oid()) ? remapped.get(t.oid())
                    : home != null ? home.toAbsolutePath().normalize().resolve(Long.toString(t.oid())) : original;
            BackupManifest.Tablespace other = taken.putIfAbsent(target, t);
            if (other != null) {
                throw TablespaceRemap.usage(other.describe() + " and " + t.describe() + " would both be restored to " + target,
                        "give each its own directory with " + TablespaceRemap.OPTION);
            }
            placements.add(new TablespacePlacement(t, target, target.equals(original)));
        }
        for (TablespacePlacement a : placements) {
            for (TablespacePlacement b : placements) {
                if (a != b && b.target().startsWith(a.target())) {
                    throw TablespaceRemap.usage(b.tablespace().describe() + " would be restored inside " + a.tablespace().describe()
                            + " (" + b.target() + " is under " + a.target() + ")", "give each its own directory with " + TablespaceRemap.OPTION);
                }
            }
        }
        return List.copyOf(placements);
    }

    /** The names (and oids) of the tablespaces, for a message. */
    static String known(List<BackupManifest.Tablespace> tablespaces) {
        return tablespaces.stream().map(t -> t.name() == null ? Long.toString(t.oid()) : t.name() + " (oid " + t.oid() + ")")
                .collect(Collectors.joining(", "));
    }

    private static BackupManifest.Tablespace find(List<BackupManifest.Tablespace> tablespaces, String key) {
        for (BackupManifest.Tablespace t : tablespaces) {
            if (key.equals(t.name())) {
                return t;
            }
        }
        if (key.matches("\\d{1,10}")) {
            long oid = Long.parseLong(key);
            return tablespaces.stream().filter(t -> t.oid() == oid).findFirst().orElse(null);
        }
        return null;
    }
}
