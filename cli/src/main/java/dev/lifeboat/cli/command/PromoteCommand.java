package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.restore.PromoteService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

@Command(name = "promote", mixinStandardHelpOptions = true,
        description = {"Promote a warm standby (from restore --standby) into a primary and report when it",
                "takes writes. It stops replaying WAL from the repository and starts a new timeline."})
public final class PromoteCommand extends LifeboatSubcommand {

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The standby's data directory.")
    Path pgdata;

    @Mixin
    PostgresOptions login;

    @Mixin
    PgBinOption pgBin;

    @Option(names = "--timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait until it takes writes (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    public PromoteCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        required(pgdata, "--pgdata", "pass the standby's data directory");
        PromoteService.Result result = new PromoteService().run(new PromoteService.Request(pgdata, login.settings(context.env()),
                Duration.ofSeconds(timeoutSeconds), TerminalProgress.forTerminal(err(), common().output == OutputFormat.text), pgBin.directory()));
        print(result, out -> {
            out.printf("promoted %s: recovery ended after %.1f s, open for writes after %.1f s%n", result.pgdata(),
                    seconds(result.toPromoted()), seconds(result.toOpenForWrites()));
            out.printf("open for writes on port %d%s%s%n", result.port(),
                    result.timeline() == null ? "" : " (timeline " + result.timeline() + ")",
                    result.lastReplayedLsn() == null ? "" : "; WAL replayed up to " + result.lastReplayedLsn());
        });
        return 0;
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }
}
