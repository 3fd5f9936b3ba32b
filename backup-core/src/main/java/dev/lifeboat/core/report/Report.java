package dev.lifeboat.core.report;

import java.time.Instant;
import java.util.List;

/** What {@code lifeboat report} shows: the history of each repository chosen, as of one moment. */
public record Report(Instant generatedAt, String lifeboatVersion, List<RepositoryReport> repositories) {
}
