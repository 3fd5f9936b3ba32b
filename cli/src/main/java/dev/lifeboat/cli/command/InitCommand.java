package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.init.InitService;
import dev.lifeboat.storage.BlobStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a repository for the cluster running on --pgdata (idempotent for the same cluster).")
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
        try (BlobStore store = repo.openStore()) {
            InitService.Result result = new InitService(Clock.systemUTC())
                    .run(store, new InitService.Request(cluster.pgdata(), cluster.connection(context.env()), compressLevel));
            print(result, out -> {
                out.println("repository " + result.location() + " is ready");
                out.println("  cluster system identifier " + result.descriptor().systemIdentifier()
                        + ", PostgreSQL " + result.descriptor().pgVersion()
                        + ", zstd level " + result.descriptor().compression().level());
                out.println("  next: set archive_command = '<lifeboat>/bin/lifeboat wal-push --repo " + result.location() + " %p'");
            });
        }
        return 0;
    }
}
