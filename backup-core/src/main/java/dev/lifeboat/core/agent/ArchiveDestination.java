package dev.lifeboat.core.agent;

import dev.lifeboat.core.archive.StreamedWal;
import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.repo.Repository;

import java.nio.file.Path;

/**
 * Where the agent stores WAL files. One repository today; a destination that fans out to
 * several required repositories returns only once every one of them holds the file, so the
 * agent's rule "acknowledge only what is durably stored" holds unchanged.
 */
public interface ArchiveDestination {

    /**
     * Stores one WAL file (or finds this exact content stored) and returns only once it is
     * durable; throws on anything else, including different content under the same name.
     */
    WalPushService.Result push(Path file);

    /**
     * Stores, replacing what was there, the first {@code length} bytes of {@code file} as the
     * streamed part of a segment not yet complete; {@code endLsn} is where they end.
     */
    void storePartial(String segment, Path file, long length, String endLsn);

    /** Forgets a segment's streamed part (it is archived whole now). */
    void dropPartial(String segment);

    /**
     * The repository as archive_command names it (--repo, the very text): recorded so that the
     * launcher trusts a marker only for the repository it was asked to archive into.
     */
    String location();

    /** One repository, named {@code asGiven} in archive_command. */
    static ArchiveDestination of(Repository repository, String asGiven) {
        WalPushService pusher = new WalPushService(repository);
        return new ArchiveDestination() {
            @Override
            public WalPushService.Result push(Path file) {
                return pusher.push(file);
            }

            @Override
            public void storePartial(String segment, Path file, long length, String endLsn) {
                StreamedWal.of(repository).store(segment, file, length, endLsn);
            }

            @Override
            public void dropPartial(String segment) {
                StreamedWal.of(repository).delete(segment);
            }

            @Override
            public String location() {
                return asGiven;
            }
        };
    }
}
