package dev.lifeboat.core.archive;

import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.WalArchive;
import dev.lifeboat.core.repo.WalContent;
import dev.lifeboat.core.repo.WalDestination;
import dev.lifeboat.core.repo.WalSummary;
import dev.lifeboat.storage.BlobStore;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The repositories one cluster keeps, in the order they were configured: every backup and
 * WAL file is meant to exist in each. Repositories are opened when first needed (a wal-fetch
 * served by the first one never touches the others), and all of them must belong to the same
 * cluster.
 *
 * <p>As a {@link WalDestination}, the set stores a WAL file in every <em>required</em>
 * repository before it returns, and tries the others alongside for a short while; what did
 * not reach one of them in that time is queued ({@link WalCatchUpQueue}) in the first required
 * repository, the queue's home, and copied later. Anything worth telling the operator (a
 * queued file, a repository that failed) is collected in {@link #warnings()}.
 */
public final class RepositorySet implements WalDestination, AutoCloseable {

    /** How long wal-push waits for repositories that are not required, after the required ones. */
    public static final Duration DEFAULT_OPTIONAL_WAIT = Duration.ofSeconds(10);
    /** How often a wal-push tries to empty the queue of a repository that is behind. */
    public static final Duration DEFAULT_CATCH_UP_INTERVAL = Duration.ofSeconds(30);

    private final List<RepositoryConfig> members;
    private final Function<String, BlobStore> stores;
    private final KeyEncryptionKeySource keys;
    private final Map<String, Repository> opened = new ConcurrentHashMap<>();
    private final Map<String, Object> openLocks = new ConcurrentHashMap<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final WalFanOut fanOut;

    /**
     * @param members the repositories, in order of preference for reading; at least one required
     * @param stores  opens the store at a location (with the decorators the command wants)
     */
    public RepositorySet(List<RepositoryConfig> members, Function<String, BlobStore> stores) {
        this(members, stores, DEFAULT_OPTIONAL_WAIT, DEFAULT_CATCH_UP_INTERVAL, Clock.systemUTC());
    }

    /** As above, with the key that opens the encrypted ones among them (plain ones ignore it). */
    public RepositorySet(List<RepositoryConfig> members, Function<String, BlobStore> stores, KeyEncryptionKeySource keys) {
        this(members, stores, DEFAULT_OPTIONAL_WAIT, DEFAULT_CATCH_UP_INTERVAL, Clock.systemUTC(), keys);
    }

    public RepositorySet(List<RepositoryConfig> members, Function<String, BlobStore> stores, Duration optionalWait,
                         Duration catchUpInterval, Clock clock) {
        this(members, stores, optionalWait, catchUpInterval, clock, KeyEncryptionKeySource.none());
    }

    public RepositorySet(List<RepositoryConfig> members, Function<String, BlobStore> stores, Duration optionalWait,
                         Duration catchUpInterval, Clock clock, KeyEncryptionKeySource keys) {
        this.members = List.copyOf(members);
        this.stores = stores;
        this.keys = keys;
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("a repository set needs at least one repository");
        }
        Set<String> names = new HashSet<>();
        for (RepositoryConfig member : this.members) {
            if (!names.add(member.name())) {
                throw new LifeboatException(ErrorCode.CONFIG, "two repositories are named '" + member.name() + "'",
                        "give each repository its own name");
            }
        }
        if (this.members.stream().noneMatch(RepositoryConfig::required)) {
            throw new LifeboatException(ErrorCode.CONFIG, "no repository is marked required",
                    "mark at least one repository 'required: true': wal-push must store every segment durably somewhere");
        }
        this.fanOut = new WalFanOut(this, optionalWait, catchUpInterval, clock);
    }

    /** A set of the one repository at {@code location} (what --repo means). */
    public static RepositorySet single(String location, Function<String, BlobStore> stores) {
        return new RepositorySet(List.of(RepositoryConfig.of("repo", location)), stores);
    }

    public List<RepositoryConfig> members() {
        return members;
    }

    public List<RepositoryConfig> required() {
        return members.stream().filter(RepositoryConfig::required).toList();
    }

    public List<RepositoryConfig> optional() {
        return members.stream().filter(m -> !m.required()).toList();
    }

    public boolean isSingle() {
        return members.size() == 1;
    }

    public RepositoryConfig member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no repository named '" + name + "'"));
    }

    /** The first required repository: it holds the queues of the others. */
    public RepositoryConfig home() {
        return required().get(0);
    }

    /**
     * Opens a repository (once; later calls return the same one). Fails as {@link Repository#open}
     * does, and with {@link ErrorCode#REPOSITORY} when it belongs to another cluster than the
     * repositories opened before it.
     */
    public Repository open(String name) {
        Repository repository = opened.get(name);
        if (repository != null) {
            return repository;
        }
        RepositoryConfig member = member(name);
        synchronized (openLocks.computeIfAbsent(name, n -> new Object())) {
            repository = opened.get(name);
            if (repository != null) {
                return repository;
            }
            BlobStore store = stores.apply(member.location());
            try {
                repository = Repository.open(store, keys);
                // Checked and recorded under one lock: two repositories opened at once (a push to every
                // required one runs in parallel) must each see the other, or neither would compare.
                synchronized (opened) {
                    requireSameCluster(member, repository);
                    opened.put(name, repository);
                }
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            return repository;
        }
    }

    private void requireSameCluster(RepositoryConfig member, Repository repository) {
        for (Map.Entry<String, Repository> other : opened.entrySet()) {
            String theirs = other.getValue().descriptor().systemIdentifier();
            if (!theirs.equals(repository.descriptor().systemIdentifier())) {
                throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + member.name() + " (" + repository.location()
                        + ") belongs to cluster " + repository.descriptor().systemIdentifier() + " but repository "
                        + other.getKey() + " (" + other.getValue().location() + ") to cluster " + theirs,
                        "every repository configured together must hold the same cluster; fix the 'repositories' list");
            }
        }
    }

    /** The queue of WAL still to be copied to a repository that is not required. */
    public WalCatchUpQueue queueFor(String name) {
        if (member(name).required()) {
            throw new IllegalArgumentException("repository " + name + " is required: it has no queue");
        }
        return new WalCatchUpQueue(open(home().name()), name);
    }

    /**
     * Copies what is queued for {@code name} now, for up to {@code budget}; a backup into that
     * repository does this first, so the WAL it waits for is not stuck in the queue.
     */
    public Optional<WalCatchUpQueue.Drained> catchUp(String name, Duration budget) {
        if (member(name).required() || home().name().equals(name)) {
            return Optional.empty();
        }
        WalCatchUpQueue queue = queueFor(name);
        WalCatchUpQueue.Drained drained = queue.drain(open(name), System.nanoTime() + budget.toNanos(), System::nanoTime);
        drained.problems().forEach(p -> warn("repository " + name + ": " + p));
        return Optional.of(drained);
    }

    /** Things the operator should know that did not fail the command. */
    public List<String> warnings() {
        return new ArrayList<>(warnings);
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    @Override
    public RepositoryDescriptor descriptor() {
        return open(home().name()).descriptor();
    }

    @Override
    public void requireCluster(String systemIdentifier, String what) {
        for (RepositoryConfig member : required()) {
            open(member.name()).requireCluster(systemIdentifier, what);
        }
    }

    @Override
    public List<Repository> requiredRepositories() {
        return required().stream().map(member -> open(member.name())).toList();
    }

    @Override
    public WalArchive.PushOutcome pushWal(String fileName, WalContent content, String sha256, WalSummary summary) {
        if (isSingle()) {
            return open(members.get(0).name()).pushWal(fileName, content, sha256, summary);
        }
        return fanOut.push(fileName, content, sha256, summary);
    }

    @Override
    public void close() {
        fanOut.close();
        for (Repository repository : opened.values()) {
            try {
                repository.close();
            } catch (RuntimeException ignored) {
                // closing releases connections; nothing to report
            }
        }
        opened.clear();
    }
}
