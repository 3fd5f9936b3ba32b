package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.cli.OutputFormat;
import dev.lifeboat.cli.TerminalProgress;
import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.backup.BackupResult;
import dev.lifeboat.core.backup.BackupService;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Take a base backup of the running cluster into the repository.",
                "The backup exists once its manifest is written, after its WAL is archived."})
public final class BackupCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--type", paramLabel = "full|diff|incr", defaultValue = "full",
            description = {"full: every file; diff: files changed since the newest full backup; incr: since the newest backup",
                    "of any type (default: ${DEFAULT-VALUE}). Without a backup to build on, a full backup is taken."})
    String type;

    @Option(names = "--jobs", paramLabel = "N", description = "Files compressed and stored at once (default: number of CPUs).")
    Integer jobs;

    @Option(names = "--archive-timeout", paramLabel = "SECONDS",
            description = "How long to wait for the backup's WAL to reach the repository (default: ${DEFAULT-VALUE}).",
            defaultValue = "120")
    long archiveTimeoutSeconds;

    public BackupCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        int workers = jobs != null && jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors();
        try (Repository repository = repo.open()) {
            BackupType backupType;
            try {
                backupType = BackupType.parse(type);
            } catch (IllegalArgumentException e) {
                throw new dev.lifeboat.core.error.LifeboatException(dev.lifeboat.core.error.ErrorCode.USAGE, e.getMessage(), "use --type full, diff or incr");
            }
            BackupRequest request = new BackupRequest(cluster.pgdata(), cluster.connection(context.env()), backupType, workers,
                    Duration.ofSeconds(archiveTimeoutSeconds),
                    TerminalProgress.forTerminal(err(), common().output == OutputFormat.text));
            BackupResult result = new BackupService(repository, Clock.systemUTC()).run(request);
            print(result, out -> {
                out.println(result.backupId());
                if (System.console() != null) {
                    out.printf("  %s backup%s, timeline %d, LSN %s .. %s%n", result.type().jsonName(),
                            result.parent() == null ? "" : " on " + result.parent() + " (" + result.reusedFiles() + " unchanged files reused)",
                            result.timeline(), result.startLsn(), result.stopLsn());
                    out.printf("  %,d files, %,.1f MB read, %,.1f MB stored (%d objects)%n", result.files(),
                            result.bytes() / 1e6, result.storedBytes() / 1e6, result.objects());
                    out.printf("  %.1f s (copy %.1f s, WAL wait %.1f s), %.1f MB/s%n", seconds(result.totalDuration()),
                            seconds(result.copyDuration()), seconds(result.archiveWaitDuration()), result.megabytesPerSecond());
                }
            });
        }
        return 0;
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
