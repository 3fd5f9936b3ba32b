package dev.lifeboat.core.wal;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalDestination;
import dev.lifeboat.core.repo.WalSummary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * archive_command's work for one file: refuse WAL of another cluster, store the file once
 * (an identical re-push succeeds, a different file under the same name is refused), and only
 * then report success, so PostgreSQL recycles a segment only after it is durably stored.
 */
public final class WalPushService {

    private final WalDestination repository;

    /** @param repository a repository, or a set of them (each required one stores the file before push returns) */
    public WalPushService(WalDestination repository) {
        this.repository = repository;
    }

    /** What was pushed: {@code sha256} is the checksum of the content stored (or found stored). */
    public record Result(String fileName, WalArchive.PushOutcome outcome, long bytes, String sha256, Duration elapsed) {
    }

    public Result push(Path file) {
        long started = System.nanoTime();
        String name = file.getFileName().toString();
        if (!WalArchive.isArchivableName(name)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + name + "' is not a WAL file name",
                    "archive_command must pass %p, the path of the WAL file PostgreSQL wants archived");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ErrorCode.USAGE, "WAL file " + file.toAbsolutePath() + " does not exist",
                    "archive_command runs in the data directory: use %p (pg_wal/NAME), not %f", e);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
        WalSummary summary = null;
        String sha256 = null;
        if (isSegment(name)) {
            WalSegmentName segment = WalSegmentName.parse(name, new WalSegmentSize(repository.descriptor().walSegmentSize()));
            checkSegmentHeader(file, name, size);
            if (!segment.partial()) {
                WalSummaries.Scan scan = WalSummaries.scan(file, segment);
                summary = scan.summary();
                sha256 = scan.sha256();
            }
        }
        if (sha256 == null) {
            sha256 = ObjectCodec.sha256(file);
        }
        WalArchive.PushOutcome outcome = repository.pushWal(name, file, sha256, summary);
        return new Result(name, outcome, size, sha256, Duration.ofNanos(System.nanoTime() - started));
    }

    static boolean isSegment(String name) {
        return name.length() == 24 || name.endsWith(".partial");
    }

    /** The long page header at a segment's start names its cluster and segment size. */
    private void checkSegmentHeader(Path file, String name, long size) {
        WalSegmentHeader header;
        try (InputStream in = Files.newInputStream(file)) {
            header = WalSegmentHeader.read(in);
        } catch (WalFormatException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "WAL file " + name + " does not start with a WAL segment header ("
                    + e.getMessage() + ")", "PostgreSQL hands complete segments to archive_command; check what wrote this file", e);
        } catch (java.io.EOFException e) {
            throw new LifeboatException(ErrorCode.CORRUPT, "WAL segment " + name + " is too short (" + size + " bytes)",
                    "PostgreSQL hands complete segments to archive_command; check what wrote this file", e);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.STORAGE, "cannot read " + file + ": " + e.getMessage(), null, e);
        }
        repository.requireCluster(header.systemIdentifierText(), "WAL segment " + name);
        if (header.segmentSize().bytes() != repository.descriptor().walSegmentSize()) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "WAL segment " + name + " has segment size " + header.segmentSize().bytes()
                    + " but the repository records " + repository.descriptor().walSegmentSize(), null);
        }
    }
}
