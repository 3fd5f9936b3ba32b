package dev.lifeboat.core.retention;

import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.Repository;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which backups a restore drill has proven restorable. Expire keeps the newest of them
 * whatever the retention counts say, so that "last known-good" always remains a target.
 *
 * <p>{@link #provenByDrills} reads the drill catalog (repository {@code drills/});
 * {@link #NONE} says no backup is proven.
 */
@FunctionalInterface
public interface KnownGoodBackups {

    /** Nothing is proven yet. */
    KnownGoodBackups NONE = () -> List.of();

    /** The ids of the backups whose latest drill verdict is good, newest first. */
    List<String> newestFirst();

    /** The backups whose newest drill passed, from the repository's drill records. */
    static KnownGoodBackups provenByDrills(Repository repository) {
        return () -> {
            List<BackupManifest> backups = repository.backups().list();
            Map<String, DrillRecord> verdicts = repository.drills().latestVerdicts();
            List<String> proven = new ArrayList<>();
            for (int i = backups.size() - 1; i >= 0; i--) {
                DrillRecord drill = verdicts.get(backups.get(i).id());
                if (drill != null && drill.passed()) {
                    proven.add(backups.get(i).id());
                }
            }
            return proven;
        };
    }
}
