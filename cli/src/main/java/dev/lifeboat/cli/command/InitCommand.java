package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.LifeboatInvocation;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.init.InitService;
import dev.lifeboat.core.pg.PgSettings;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.restore.WalCommandLine;
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

    @Option(names = "--compress-level", converter = NumberValues.CompressLevel.class, paramLabel = "N",
            description = "zstd level for everything stored, " + ObjectCodec.MIN_LEVEL + "-" + ObjectCodec.MAX_LEVEL + " (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + ObjectCodec.DEFAULT_LEVEL)
    int compressLevel;

    @Option(names = "--encrypt", description = {"Encrypt and authenticate every object stored (AES-256-GCM-HKDF streaming AEAD);",
            "needs a key: --key-file FILE, --passphrase-command CMD or env LIFEBOAT_PASSPHRASE."})
    boolean encrypt;

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
                        .run(store, new InitService.Request(cluster.pgdata(), cluster.connection(context.env()), compressLevel,
                                encrypt ? repo.keys() : null)));
            }
        }
        print(results.size() == 1 ? results.get(0) : Map.of("repositories", results), out -> {
            for (InitService.Result result : results) {
                out.println("repository " + result.location() + " is ready");
                out.println("  cluster system identifier " + result.descriptor().systemIdentifier()
                        + ", PostgreSQL " + result.descriptor().pgVersion()
                        + ", zstd level " + result.descriptor().compression().level());
                if (result.descriptor().encrypted()) {
                    out.println("  encrypted (" + result.descriptor().encryption() + "), data key wrapped with "
                            + result.descriptor().dataKeyset().wrapping().describe() + ": keep the key, without it nothing can be restored");
                }
            }
            out.println("  next: set in postgresql.conf: archive_command = " + PgSettings.quote(archiveCommand(members)));
        });
        return 0;
    }

    /**
     * The archive_command that works as printed: this Lifeboat, and the repositories exactly as
     * the user named them (a store URI as typed, not the store's description), quoted for the shell.
     */
    private String archiveCommand(List<RepositoryConfig> members) {
        List<String> words = new ArrayList<>(LifeboatInvocation.command(context));
        words.add("wal-push");
        words.addAll(LifeboatInvocation.options(context));
        words.addAll(repo.arguments(members.stream().map(RepositoryConfig::name).toList()));
        words.add("%p");
        return WalCommandLine.of(words);
    }
}
