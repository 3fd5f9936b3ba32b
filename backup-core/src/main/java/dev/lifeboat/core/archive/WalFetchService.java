package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.WalArchive;

import java.nio.file.Path;
import java.util.Optional;

/**
 * restore_command's work for one file. "Not in the repository" is the only answer that may
 * end recovery; every other failure (unreachable store, corrupt object, a full disk) is an
 * exception, which the command line turns into an exit status that makes PostgreSQL stop
 * instead of promoting at the wrong point.
 */
public final class WalFetchService {

    public enum Outcome { DELIVERED, NOT_FOUND }

    private final Repository repository;

    public WalFetchService(Repository repository) {
        this.repository = repository;
    }

    public Outcome fetch(String fileName, Path destination) {
        if (!WalArchive.isArchivableName(fileName)) {
            throw new LifeboatException(ErrorCode.USAGE, "'" + fileName + "' is not a WAL file name",
                    "restore_command must pass %f and %p");
        }
        Optional<ArchivedWal> stored = repository.wal().find(fileName);
        if (stored.isPresent()) {
            repository.wal().fetch(stored.get(), destination);
            return Outcome.DELIVERED;
        }
        if (fileName.length() == 24) {
            // The newest segment of a streamed timeline: what arrived before the primary stopped,
            // zero-padded, so that recovery replays every streamed commit and then ends there.
            StreamedWal streamedWal = StreamedWal.of(repository);
            Optional<StreamedWal.Streamed> streamed = streamedWal.find(fileName);
            if (streamed.isPresent()) {
                streamedWal.fetch(streamed.get(), destination, repository.descriptor().walSegmentSize());
                return Outcome.DELIVERED;
            }
        }
        return Outcome.NOT_FOUND;
    }
}
