package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.verify.VerifyRequest;
import dev.lifeboat.core.verify.VerifyResult;
import dev.lifeboat.core.verify.VerifyService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Read every object of a backup from the repository and check it, without restoring:",
                "each data file's size and SHA-256, the parent chain of incremental backups, and the WAL",
                "from the backup's start to the end of the archive on its timeline (each segment also against its",
                "name: see wal-push --replace-invalid). Reports every damaged or missing object by name;",
                "exits 9 when an object is corrupt or a data object or manifest is missing (as restore does),",
                "4 when only WAL is missing. A damaged backup is reported and the others are still verified."})
public final class VerifyCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Option(names = "--backup", paramLabel = "ID|latest", description = "The backup to verify (default: every backup).")
    String backupId;

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "Objects read at once (default: number of CPUs).")
    Integer jobs;

    public VerifyCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        try (Repository repository = repo.open()) {
            String backup = backupId;
            if (backup != null && backup.equalsIgnoreCase("latest")) {
                List<BackupManifest> all = repository.backups().list();
                backup = all.isEmpty() ? null : all.get(all.size() - 1).id();
            }
            VerifyResult result = new VerifyService(repository).run(VerifyRequest.builder().backupId(backup).jobs(jobs)
                    .progress(TerminalProgress.forTerminal(err(), common().output == OutputFormat.text)).build());
            print(result, out -> printText(out, result));
            if (!result.passed()) {
                VerifyResult.Problem first = result.problems().get(0);
                String message = result.problems().size() + " damaged or missing object" + (result.problems().size() == 1 ? "" : "s")
                        + " in " + result.repository() + ", first: " + first.object() + (first.file() == null || first.file().equals(first.object())
                        ? "" : " (" + first.file() + ")");
                return failed(result.repositoryDamaged() ? ErrorCode.CORRUPT : ErrorCode.REPOSITORY, message,
                        "restore from another backup or another copy of the repository; drill the backups you rely on");
            }
        }
        return 0;
    }

    private static void printText(PrintStream out, VerifyResult r) {
        for (VerifyResult.Backup b : r.backups()) {
            out.printf("%-18s %-7s  %,d objects, %,d files, %,.1f MB, %s%s%n", b.id(), b.passed() ? "OK" : "DAMAGED",
                    b.objects(), b.files(), b.bytes() / 1e6, walFiles(b.walFiles()), b.passed() ? "" : ", " + b.problems() + " problems");
        }
        for (VerifyResult.Problem p : r.problems()) {
            out.printf("  %-7s %s%s: %s%n", p.kind() == VerifyResult.Kind.CORRUPT ? "CORRUPT" : "MISSING", p.object(),
                    p.file() == null || p.file().equals(p.object()) ? "" : " (" + p.file() + ")", p.detail());
        }
        out.printf("%s: %,d objects, %,d files (%,.1f MB) and %s read in %.1f s%n", r.passed() ? "verified" : "FAILED",
                r.objects(), r.files(), r.bytes() / 1e6, walFiles(r.walFiles()), r.duration().toNanos() / 1e9);
    }

    private static String walFiles(long n) {
        return n + (n == 1 ? " WAL file" : " WAL files");
    }
}
