package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.ExitStatus;
import dev.lifeboat.core.archive.FallThroughWalFetch;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.archive.WalFetchService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "wal-fetch", mixinStandardHelpOptions = true,
        description = {"Deliver one archived WAL file (PostgreSQL's restore_command):",
                "  restore_command = '/path/to/bin/lifeboat wal-fetch --repo DIR %%f %%p'",
                "Exits 0 when delivered, 1 when the repository does not have the file, and 128 on any other",
                "failure (unreachable store, corrupt object, full disk) so that PostgreSQL stops recovery",
                "instead of taking the failure for the end of the archive. With several repositories configured, the",
                "first good copy is delivered; 'not found' only when every repository says so."})
public final class WalFetchCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Parameters(index = "0", paramLabel = "WALNAME", description = "Name of the WAL file wanted (%%f).")
    String walName;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "Where to write it (%%p).")
    Path destination;

    public WalFetchCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        try (RepositorySet repositories = repo.openSet()) {
            FallThroughWalFetch.Fetched fetched = new FallThroughWalFetch(repositories).fetch(walName, destination);
            for (String passedOver : fetched.passedOver()) {
                err().println("lifeboat: warning: " + walName + " fetched from repository " + fetched.from()
                        + "; passed over " + passedOver);
            }
            return ExitStatus.ofWalFetch(fetched.outcome() == WalFetchService.Outcome.DELIVERED, context.env());
        }
    }
}
