package dev.lifeboat.core.restore;

import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.StorageException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A restore from the first repository that can do it: one that cannot be opened, lacks a
 * backup for the target, or holds a corrupt or unreadable object is passed over (and named),
 * and the restore starts again from the next one. Only failures before the new instance starts
 * fall through; {@link RestoreService} has removed what it wrote by then.
 *
 * <p>The restored instance's restore_command reads WAL from the same repositories, less those
 * that could not even be opened, so that recovery does not stop at the end of the archive
 * because a lost region cannot answer "not found".
 */
public final class FallThroughRestore {

    /** Failures that say "this repository cannot restore it", not "this restore cannot work". */
    private static final Set<ErrorCode> FALLS_THROUGH = EnumSet.of(ErrorCode.REPOSITORY, ErrorCode.STORAGE,
            ErrorCode.CORRUPT, ErrorCode.TARGET, ErrorCode.CONFLICT);

    private final RepositorySet repositories;
    private final Function<List<String>, List<String>> walSource;

    /**
     * @param walSource the wal-fetch arguments that name the given repositories (by name), for
     *                  restore_command
     */
    public FallThroughRestore(RepositorySet repositories, Function<List<String>, List<String>> walSource) {
        this.repositories = repositories;
        this.walSource = walSource;
    }

    /**
     * @param from       the repository the backup came from
     * @param passedOver the repositories tried before it, each with the reason
     */
    public record Restored(RestoreResult result, String from, List<String> passedOver) {
    }

    public Restored run(RestoreRequest request) {
        List<String> passedOver = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        List<RuntimeException> failures = new ArrayList<>();
        for (RepositoryConfig member : repositories.members()) {
            Repository repository;
            try {
                repository = repositories.open(member.name());
            } catch (LifeboatException | StorageException e) {
                if (!fallsThrough(e) || repositories.isSingle()) {
                    throw e;
                }
                unreachable.add(member.name());
                passedOver.add(member.name() + ": " + e.getMessage());
                failures.add(e);
                continue;
            }
            List<String> readable = repositories.members().stream().map(RepositoryConfig::name)
                    .filter(name -> !unreachable.contains(name)).toList();
            try {
                RestoreResult result = new RestoreService(repository, walSource.apply(readable)).run(request);
                return new Restored(result, member.name(), passedOver);
            } catch (LifeboatException | StorageException e) {
                if (!fallsThrough(e) || repositories.isSingle() || !isEmpty(request.pgdata())) {
                    throw e;
                }
                passedOver.add(member.name() + ": " + e.getMessage());
                failures.add(e);
            }
        }
        if (failures.size() == 1) {
            throw failures.get(0);
        }
        RuntimeException first = failures.get(0);
        ErrorCode code = first instanceof LifeboatException le ? le.code() : ErrorCode.STORAGE;
        String hint = first instanceof LifeboatException le && le.hint() != null ? le.hint()
                : "check each repository with 'lifeboat info --repo-name NAME'";
        throw new LifeboatException(code, "no repository could restore: " + String.join("; ", passedOver), hint, first);
    }

    private static boolean fallsThrough(RuntimeException e) {
        return e instanceof StorageException || e instanceof LifeboatException le && FALLS_THROUGH.contains(le.code());
    }

    private static boolean isEmpty(Path pgdata) {
        if (!Files.exists(pgdata)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(pgdata)) {
            return entries.findAny().isEmpty();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
