package dev.lifeboat.core.jobs;

import java.time.Instant;

/**
 * The claim a run makes on its due time before it starts (stored CREATE_ONLY, so of two runs
 * claiming the same attempt only one succeeds). It names the run, so that a later claimant can
 * tell whether that run finished, is still under way, or died.
 *
 * @param attempt 0 for the run the schedule fired; 1, 2 ... for recovery re-runs after the
 *                process running the previous attempt died
 */
public record RunClaim(String job, Instant due, int attempt, String trigger, String runId, String runKey, String host, long pid,
                       String instance, Instant claimedAt) {
}
