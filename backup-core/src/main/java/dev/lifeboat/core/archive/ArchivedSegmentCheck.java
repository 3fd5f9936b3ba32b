package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.wal.WalSegmentHeader;
import dev.lifeboat.core.wal.WalSegmentMismatch;
import dev.lifeboat.core.wal.WalSegmentName;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.util.Optional;

/**
 * Whether a segment stored in a repository is the segment its name says: its content is read
 * whole, checked against the SHA-256 in its key, then held against its name, the repository's
 * cluster and segment size ({@link WalSegmentMismatch}). Objects stored before wal-push made
 * this check may fail it.
 */
public final class ArchivedSegmentCheck {

    private final Repository repository;
    private final WalSegmentSize segmentSize;
    private final WalSegmentMismatch.Expected expected;

    public ArchivedSegmentCheck(Repository repository) {
        this.repository = repository;
        this.segmentSize = new WalSegmentSize(repository.descriptor().walSegmentSize());
        this.expected = new WalSegmentMismatch.Expected(repository.descriptor().systemIdentifier(), segmentSize);
    }

    /** True for the files this check applies to: segments and partial segments, not history files. */
    public static boolean appliesTo(String fileName) {
        return WalSegmentName.isSegmentFileName(fileName);
    }

    /**
     * @return what does not match, or empty when the stored segment may be the one its name says
     * @throws LifeboatException {@link ErrorCode#CORRUPT} when the object fails its own checksum
     *     (then nothing is proven about its name)
     */
    public Optional<WalSegmentMismatch> check(ArchivedWal stored) {
        if (!appliesTo(stored.fileName())) {
            throw new IllegalArgumentException(stored.fileName() + " is not a WAL segment");
        }
        WalSegmentName name = WalSegmentName.parse(stored.fileName(), segmentSize);
        WalArchive.StoredContent content = repository.wal().inspect(stored, WalSegmentHeader.LENGTH);
        return WalSegmentMismatch.find(name, content.head(), content.head().length, content.size(), expected);
    }
}
