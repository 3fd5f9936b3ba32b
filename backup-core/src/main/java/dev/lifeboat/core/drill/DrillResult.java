package dev.lifeboat.core.drill;

import dev.lifeboat.core.repo.DrillRecord;

/**
 * A drill as it ended.
 *
 * @param drill          what it proved (also what the repository holds)
 * @param recordKey      where the result was stored, or null when storing it failed
 * @param recordFailure  why the result could not be stored, or null
 * @param keptDataDirectory the scratch instance's data directory when --keep left it running, else null
 * @param keptPort       its port, when kept
 */
public record DrillResult(DrillRecord drill, String recordKey, String recordFailure, String keptDataDirectory, Integer keptPort) {
}
