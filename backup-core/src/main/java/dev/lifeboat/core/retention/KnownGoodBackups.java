package dev.lifeboat.core.retention;

import java.util.List;

/**
 * Which backups a restore drill has proven restorable. Expire keeps the newest of them
 * whatever the retention counts say, so that "last known-good" always remains a target.
 *
 * <p>The drill catalog (repository {@code drills/}) implements this; until it exists,
 * {@link #NONE} says no backup is proven.
 */
@FunctionalInterface
public interface KnownGoodBackups {

    /** Nothing is proven yet. */
    KnownGoodBackups NONE = () -> List.of();

    /** The ids of the backups whose latest drill verdict is good, newest first. */
    List<String> newestFirst();
}
