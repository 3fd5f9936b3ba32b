package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.archive.ReadyWalBatch;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.archive.WalPushService;
import dev.lifeboat.core.repo.RepositoryConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "wal-push", mixinStandardHelpOptions = true,
        description = {"Archive one WAL file (PostgreSQL's archive_command):",
                "  archive_command = '/path/to/bin/lifeboat wal-push --repo DIR %%p'",
                "Exits 0 only once the file is durably stored (with several repositories configured: in every",
                "required one; the others get it now or through a queue); an identical file already stored is success.",
                "With `lifeboat agent` running, bin/lifeboat answers from the agent without starting a JVM."})
public final class WalPushCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Parameters(index = "0", paramLabel = "WALPATH", description = "Path of the WAL file (%%p).")
    Path walPath;

    @Option(names = "--ahead", converter = NumberValues.NonNegativeInt.class, paramLabel = "N", defaultValue = "32",
            description = "Also push up to N further segments PostgreSQL has marked ready, so its next calls return at once (default: ${DEFAULT-VALUE}; 0: off).")
    int ahead;

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", defaultValue = "4",
            description = "Segments pushed at once when pushing ahead (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--replace-invalid",
            description = {"Repair: when the repository holds, under this file's name, an object proven not to be that segment",
                    "(its header names another segment, cluster or timeline, or its size is wrong), move that object aside to",
                    "quarantine/ in the repository and archive this file, which is checked to be the segment. A stored copy",
                    "that is a valid segment is never touched. verify and check name such objects."})
    boolean replaceInvalid;

    public WalPushCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        try (RepositorySet repositories = repo.openSet()) {
            for (RepositoryConfig member : repositories.required()) {
                repositories.open(member.name()); // a missing repository is reported before anything else
            }
            WalPushService pusher = new WalPushService(repositories, replaceInvalid);
            WalPushService.Result result;
            try {
                result = new ReadyWalBatch(pusher, ahead, jobs).push(walPath);
            } finally {
                pusher.replaced().forEach(r -> err().println("lifeboat: " + r));
            }
            repositories.warnings().forEach(w -> err().println("lifeboat: warning: " + w));
            print(result, out -> {
                if (System.console() != null) {
                    out.printf("%s %s (%.0f ms)%n", result.fileName(),
                            result.outcome() == dev.lifeboat.core.repo.WalArchive.PushOutcome.STORED ? "archived" : "was already archived",
                            result.elapsed().toNanos() / 1e6);
                }
            });
        }
        return 0;
    }
}
