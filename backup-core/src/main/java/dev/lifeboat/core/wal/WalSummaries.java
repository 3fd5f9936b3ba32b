package dev.lifeboat.core.wal;

import dev.lifeboat.core.repo.WalSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a scan of a segment into the summary stored with it in the repository. */
final class WalSummaries {

    private WalSummaries() {
    }

    /** The summary of a segment, or null when the scan fails: a summary is advice, never a reason to refuse archiving. */
    static WalSummary scan(Path file, WalSegmentName name) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return toSummary(WalRecordScanner.scan(in, name.startLsn()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static WalSummary toSummary(WalSegmentSummary s) {
        List<WalSummary.RestorePoint> points = s.restorePoints().stream()
                .map(p -> new WalSummary.RestorePoint(p.name(), p.lsn().toString(), p.time()))
                .toList();
        return new WalSummary(
                s.firstTransactionEnd().orElse(null),
                s.latestTransactionEnd().orElse(null),
                s.commitCount(),
                s.minCommittedXid().isPresent() ? s.minCommittedXid().getAsLong() : null,
                s.maxCommittedXid().isPresent() ? s.maxCommittedXid().getAsLong() : null,
                points,
                s.lastRecordEnd().isValid() ? s.lastRecordEnd().toString() : null);
    }
}
