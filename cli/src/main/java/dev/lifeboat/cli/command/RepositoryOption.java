package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ConfiguredRepositories;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which repositories a command works on: --repo names exactly one (a directory or a store
 * URI); otherwise the configuration file's 'repositories' list, all of them or those named
 * with --repo-name.
 */
public final class RepositoryOption {

    @Option(names = "--repo", converter = TextValues.StoreLocation.class, paramLabel = "DIR|URI",
            description = "Repository location: a directory or a store URI (env LIFEBOAT_REPO, config 'repo').")
    String repo;

    @Option(names = "--repo-name", paramLabel = "NAME", split = ",",
            description = "Work on these repositories of the configuration's 'repositories' list (default: all of them).")
    List<String> names;

    @Mixin
    StoreOptions storeOptions = new StoreOptions();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private CliContext context() {
        Object command = mixee == null ? null : mixee.userObject();
        if (command instanceof LifeboatSubcommand sub) {
            return sub.context;
        }
        throw new IllegalStateException("RepositoryOption is mixed into " + command);
    }

    /** The one location --repo gives; for commands that work on exactly one repository. */
    String location() {
        List<RepositoryConfig> selected = selected();
        if (selected.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "several repositories are configured ("
                    + selected.stream().map(RepositoryConfig::name).collect(Collectors.joining(", ")) + ") and this command works on one",
                    "choose one with --repo-name NAME, or give --repo DIR|URI");
        }
        return selected.get(0).location();
    }

    /** The retention settings configured for the one repository chosen (empty when none are). */
    Map<String, String> retention() {
        List<RepositoryConfig> selected = selected();
        return selected.size() == 1 ? selected.get(0).retention() : Map.of();
    }

    /** The repositories chosen, in the order they are read from. */
    List<RepositoryConfig> selected() {
        List<RepositoryConfig> configured = ConfiguredRepositories.of(context().config());
        boolean named = names != null && !names.isEmpty();
        if (repo != null && !repo.isBlank()) {
            if (named) {
                throw new LifeboatException(ErrorCode.USAGE, "--repo and --repo-name exclude each other",
                        "--repo names one repository by location; --repo-name picks from the configured ones");
            }
            return List.of(configured.stream().filter(m -> sameLocation(m.location(), repo)).findFirst()
                    .map(m -> new RepositoryConfig(m.name(), repo, true, m.retention()))
                    .orElse(RepositoryConfig.of("repo", repo)));
        }
        if (configured.isEmpty()) {
            if (named) {
                throw new LifeboatException(ErrorCode.USAGE, "--repo-name needs a 'repositories' list in the configuration file",
                        "configure the repositories (see docs/operations.md), or give --repo DIR|URI");
            }
            LifeboatSubcommand.required(null, "--repo",
                    "pass --repo DIR, set LIFEBOAT_REPO, or put 'repo: DIR' in the configuration file");
        }
        if (!named) {
            return configured;
        }
        List<RepositoryConfig> chosen = new ArrayList<>();
        for (String name : names) {
            RepositoryConfig member = configured.stream().filter(m -> m.name().equals(name.strip())).findFirst()
                    .orElseThrow(() -> new LifeboatException(ErrorCode.USAGE, "no repository named '" + name + "' is configured",
                            "configured: " + configured.stream().map(RepositoryConfig::name).collect(Collectors.joining(", "))));
            if (!chosen.contains(member)) {
                chosen.add(member);
            }
        }
        if (chosen.stream().noneMatch(RepositoryConfig::required)) {
            // Chosen alone, a repository must hold what is pushed to it: it is required for this command.
            chosen.replaceAll(m -> new RepositoryConfig(m.name(), m.location(), true, m.retention()));
        }
        return chosen;
    }

    /** Whether the choice came from the configuration's list rather than from --repo. */
    boolean fromConfiguration() {
        return repo == null || repo.isBlank();
    }

    /** The wal-fetch / wal-push arguments that choose these of the selected repositories (restore_command, archive_command). */
    List<String> arguments(List<String> memberNames) {
        List<String> words = new ArrayList<>(repositoryArguments(memberNames));
        words.addAll(storeOptions.keyOptions.arguments());
        return words;
    }

    private List<String> repositoryArguments(List<String> memberNames) {
        if (!fromConfiguration()) {
            return List.of("--repo", absolute(repo));
        }
        List<String> all = selected().stream().map(RepositoryConfig::name).toList();
        if (memberNames.equals(all) && (names == null || names.isEmpty())) {
            return List.of();
        }
        return List.of("--repo-name", String.join(",", memberNames));
    }

    /**
     * The words the launcher's no-JVM wal-push names this repository with (--repo, --key-file as
     * init's archive_command prints them): the agent serves exactly those.
     */
    dev.lifeboat.core.archive.LauncherRepository launcherRepository() {
        return new dev.lifeboat.core.archive.LauncherRepository(location(), storeOptions.keyOptions.keyFileArgument());
    }

    /** The key that opens encrypted repositories. */
    dev.lifeboat.core.crypto.KeyEncryptionKeySource keys() {
        return storeOptions.keys(context());
    }

    StoreOptions storeOptions() {
        return storeOptions;
    }

    BlobStore openStore(String location) {
        return storeOptions.open(context(), location);
    }

    BlobStore openStore() {
        return openStore(location());
    }

    Repository open() {
        BlobStore store = openStore();
        try {
            return Repository.open(store, storeOptions.keys(context()));
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The chosen repositories as a set, opened when first used. */
    RepositorySet openSet() {
        return new RepositorySet(selected(), this::openStore, storeOptions.keys(context()));
    }

    /**
     * The location as PostgreSQL must be given it: a store URI as typed (the store's own
     * description is for people), a directory made absolute (the server runs in its data directory).
     */
    static String absolute(String location) {
        if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return location;
        }
        return java.nio.file.Path.of(location).toAbsolutePath().normalize().toString();
    }

    static boolean sameLocation(String a, String b) {
        try {
            return BlobStores.toUri(a).equals(BlobStores.toUri(b));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
