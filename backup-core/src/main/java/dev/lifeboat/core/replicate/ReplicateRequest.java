package dev.lifeboat.core.replicate;

import dev.lifeboat.core.ProgressListener;

/**
 * A copy of what one repository has and another lacks.
 *
 * @param jobs objects copied at once
 */
public record ReplicateRequest(int jobs, ProgressListener progress) {
}
