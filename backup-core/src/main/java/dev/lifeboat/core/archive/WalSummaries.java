package dev.lifeboat.core.archive;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.WalContent;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.core.wal.WalRecordScanner;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a scan of a segment into the summary stored with it in the repository. */
final class WalSummaries {

    private WalSummaries() {
    }

    /** A segment's checksum, and its summary unless the scan failed (a summary is advice, never a reason to refuse archiving). */
    record Scan(String sha256, WalSummary summary) {
    }

    /** The checksum alone (of a partial segment, which is not summarised). */
    static Scan checksum(WalContent content) {
        if (content instanceof WalContent.InMemory plain) {
            return new Scan(sha256(plain), null);
        }
        return new Scan(ObjectCodec.sha256(((WalContent.OnDisk) content).file()), null);
    }

    static Scan scan(WalContent content, WalSegmentName name) {
        if (content instanceof WalContent.InMemory plain) {
            WalSummary summary;
            try {
                summary = toSummary(WalRecordScanner.scan(plain.bytes(), plain.length(), name.startLsn()));
            } catch (RuntimeException e) {
                summary = null;
            }
            return new Scan(sha256(plain), summary);
        }
        return scan(((WalContent.OnDisk) content).file(), name);
    }

    private static String sha256(WalContent.InMemory plain) {
        return ObjectCodec.sha256(plain.bytes(), plain.length());
    }

    /** One pass over the file: the scanner reads it, the checksum is computed as it goes. */
    static Scan scan(Path file, WalSegmentName name) {
        WalSummary summary = null;
        try (ObjectCodec.HashingStream hashing = ObjectCodec.hashing(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            try {
                summary = toSummary(WalRecordScanner.scan(hashing, name.startLsn()));
            } catch (IOException | RuntimeException e) {
                summary = null;
            }
            hashing.transferTo(OutputStream.nullOutputStream()); // the scanner may stop early: hash the rest
            return new Scan(hashing.sha256(), summary);
        } catch (IOException e) {
            return new Scan(ObjectCodec.sha256(file), null);
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
