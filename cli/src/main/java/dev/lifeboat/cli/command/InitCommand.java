package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.init.InitService;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.storage.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a repository for the cluster running on --pgdata (idempotent for the same cluster).",
                "With several repositories configured, creates each (or those chosen with --repo-name)."})
public final class InitCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--compress-level", paramLabel = "N", description = "zstd level for everything stored, 1-19 (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + ObjectCodec.DEFAULT_LEVEL)
    int compressLevel;

    public InitCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        List<RepositoryConfig> members = repo.selected();
        List<InitService.Result> results = new ArrayList<>();
        for (RepositoryConfig member : members) {
            try (BlobStore store = repo.openStore(member.location())) {
                results.add(new InitService(Clock.systemUTC())
                        .run(store, new InitService.Request(cluster.pgdata(), cluster.connection(context.env()), compressLevel)));
            }
        }
        print(results.size() == 1 ? results.get(0) : Map.of("repositories", results), out -> {
            for (InitService.Result result : results) {
                out.println("repository " + result.location() + " is ready");
                out.println("  cluster system identifier " + result.descriptor().systemIdentifier()
                        + ", PostgreSQL " + result.descriptor().pgVersion()
                        + ", zstd level " + result.descriptor().compression().level());
            }
            if (repo.fromConfiguration()) {
                out.println("  next: set archive_command = '<lifeboat>/bin/lifeboat wal-push"
                        + context.config().path().map(p -> " --config " + p).orElse("") + " %p'");
            } else {
                out.println("  next: set archive_command = '<lifeboat>/bin/lifeboat wal-push --repo " + results.get(0).location() + " %p'");
            }
        });
        return 0;
    }
}
