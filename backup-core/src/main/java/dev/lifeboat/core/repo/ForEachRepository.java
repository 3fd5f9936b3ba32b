package dev.lifeboat.core.repo;

import dev.lifeboat.core.error.LifeboatException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Does one piece of work in each of several repositories, one after the other. A repository
 * that fails does not stop the others: every repository gets its outcome, and the first
 * failure is raised only once all have had their turn, naming the repository it came from.
 */
public final class ForEachRepository {

    /** One repository's result, or why it has none ({@code cause} is what was thrown, {@code failure} its one-line form). */
    public record Outcome<T>(RepositoryConfig repository, T result, LifeboatException failure, RuntimeException cause) {

        public boolean succeeded() {
            return failure == null;
        }
    }

    private final Function<RuntimeException, LifeboatException> explain;

    /** @param explain turns any failure into the one-line error a user reads (the caller's failure mapping) */
    public ForEachRepository(Function<RuntimeException, LifeboatException> explain) {
        this.explain = explain;
    }

    /** Runs {@code work} for each repository in order. */
    public <T> List<Outcome<T>> run(List<RepositoryConfig> repositories, Function<RepositoryConfig, T> work) {
        return run(repositories, work, outcome -> { });
    }

    /** Runs {@code work} for each repository in order; {@code done} hears each outcome as soon as it is known. */
    public <T> List<Outcome<T>> run(List<RepositoryConfig> repositories, Function<RepositoryConfig, T> work, Consumer<Outcome<T>> done) {
        List<Outcome<T>> outcomes = new ArrayList<>();
        for (RepositoryConfig repository : repositories) {
            Outcome<T> outcome;
            try {
                outcome = new Outcome<>(repository, work.apply(repository), null, null);
            } catch (RuntimeException e) {
                outcome = new Outcome<>(repository, null, explain.apply(e), e);
            }
            outcomes.add(outcome);
            done.accept(outcome);
        }
        return outcomes;
    }

    /**
     * Throws the first failure, its message led by {@code lead} (which names the repository),
     * with its code and hint; returns when every repository succeeded.
     */
    public static <T> void throwFirstFailure(List<Outcome<T>> outcomes, Function<RepositoryConfig, String> lead) {
        for (Outcome<T> outcome : outcomes) {
            if (!outcome.succeeded()) {
                LifeboatException failure = outcome.failure();
                throw new LifeboatException(failure.code(), lead.apply(outcome.repository()) + failure.getMessage(), failure.hint(),
                        outcome.cause());
            }
        }
    }
}
