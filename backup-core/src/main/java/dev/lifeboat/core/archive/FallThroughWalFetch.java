package dev.lifeboat.core.archive;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.StorageException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * restore_command over several repositories: the file comes from the first repository that
 * delivers a verified copy; a repository that does not have it, holds a corrupt copy, or cannot
 * be reached is passed over (and named in {@link Fetched#passedOver()}, never silently used).
 *
 * <p>"Not found" is answered only when every repository answered "not found". If any of them
 * failed, the file may be exactly in that one, and ending recovery there could promote at the
 * wrong point; so that is a failure (which wal-fetch turns into "stop recovery"). A region that
 * is lost for good is left out with --repo-name.
 */
public final class FallThroughWalFetch {

    private final RepositorySet repositories;

    public FallThroughWalFetch(RepositorySet repositories) {
        this.repositories = repositories;
    }

    /**
     * @param from       the repository that delivered the file, or null when none has it
     * @param passedOver repositories that failed before it, each with the reason
     */
    public record Fetched(WalFetchService.Outcome outcome, String from, List<String> passedOver) {
    }

    public Fetched fetch(String fileName, Path destination) {
        List<String> failed = new ArrayList<>();
        RuntimeException onlyFailure = null;
        for (RepositoryConfig member : repositories.members()) {
            WalFetchService.Outcome outcome;
            try {
                outcome = new WalFetchService(repositories.open(member.name())).fetch(fileName, destination);
            } catch (LifeboatException e) {
                if (e.code() == ErrorCode.USAGE) {
                    throw e;
                }
                failed.add(member.name() + ": " + e.getMessage());
                onlyFailure = e;
                continue;
            } catch (StorageException e) {
                failed.add(member.name() + ": " + e.getMessage());
                onlyFailure = e;
                continue;
            }
            if (outcome == WalFetchService.Outcome.DELIVERED) {
                return new Fetched(outcome, member.name(), failed);
            }
        }
        if (failed.isEmpty()) {
            return new Fetched(WalFetchService.Outcome.NOT_FOUND, null, List.of());
        }
        if (repositories.isSingle()) {
            throw onlyFailure;
        }
        throw new LifeboatException(ErrorCode.STORAGE, "WAL file " + fileName + " was not delivered: "
                + String.join("; ", failed) + "; every other repository answered 'not found'",
                "a repository that failed may hold the file, so recovery must not end here; fix it, or leave a lost"
                        + " region out with --repo-name");
    }
}
