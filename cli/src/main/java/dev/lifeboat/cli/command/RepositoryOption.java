package dev.lifeboat.cli.command;

import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import picocli.CommandLine.Option;

/** --repo: where the repository lives (a directory, or a store URI). */
public final class RepositoryOption {

    @Option(names = "--repo", paramLabel = "DIR|URI",
            description = "Repository location: a directory or a store URI (env LIFEBOAT_REPO, config 'repo').")
    String repo;

    String location() {
        return LifeboatSubcommand.required(repo, "--repo",
                "pass --repo DIR, set LIFEBOAT_REPO, or put 'repo: DIR' in the configuration file");
    }

    BlobStore openStore() {
        return BlobStores.openWithDefaults(location());
    }

    Repository open() {
        BlobStore store = openStore();
        try {
            return Repository.open(store);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
