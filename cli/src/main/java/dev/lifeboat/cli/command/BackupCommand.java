package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.Failures;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.backup.BackupResult;
import dev.lifeboat.core.backup.BackupService;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.ForEachRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Take a base backup of the running cluster into the repository.",
                "The backup exists once its manifest is written, after its WAL is archived.",
                "With several repositories configured, one backup goes into each (or those chosen with --repo-name)."})
public final class BackupCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LockWaitOption lockWait;

    @Mixin
    StandbyOptions standby;

    @Option(names = "--type", converter = TextValues.BackupTypeName.class, paramLabel = "full|diff|incr", defaultValue = BackupRequest.DEFAULT_TYPE,
            description = {"full: every file; diff: files changed since the newest full backup; incr: since the newest backup",
                    "of any type (default: ${DEFAULT-VALUE}). Without a backup to build on, a full backup is taken."})
    String type;

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "Files compressed and stored at once (default: number of CPUs).")
    Integer jobs;

    @Option(names = "--archive-timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS",
            description = "How long to wait for the backup's WAL to reach the repository (default: ${DEFAULT-VALUE}).",
            defaultValue = BackupRequest.DEFAULT_ARCHIVE_TIMEOUT_SECONDS)
    long archiveTimeoutSeconds;

    @Option(names = "--page-checksums", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Check data page checksums while reading (when the cluster has data checksums on); a corrupt page",
                    "is reported as a warning and the backup completes. --no-page-checksums skips the check."})
    boolean pageChecksums;

    public BackupCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Duration wait = lockWait.duration();
        var connection = cluster.connection(context.env());
        BackupRequest request = BackupRequest.builder(cluster.pgdata(), connection)
                .fromStandby(standby.fromStandby).primary(standby.primary(connection))
                .type(backupType()).jobs(jobs).archiveTimeout(Duration.ofSeconds(archiveTimeoutSeconds))
                .progress(TerminalProgress.forTerminal(err(), common().output == OutputFormat.text)).checkPages(pageChecksums).build();
        try (RepositorySet repositories = repo.openSet()) {
            if (repositories.isSingle()) {
                BackupResult result = new BackupService(repositories.open(repositories.members().get(0).name()), Clock.systemUTC(), wait)
                        .run(request);
                warnCorruptPages(result, "");
                print(result, out -> printText(out, result, ""));
                return 0;
            }
            return backUpEach(repositories, request, wait);
        }
    }

    private BackupType backupType() {
        try {
            return BackupType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, e.getMessage(), "use --type full, diff or incr");
        }
    }

    /** A backup per repository, one after the other; one that fails does not stop the others. */
    private int backUpEach(RepositorySet repositories, BackupRequest request, Duration wait) {
        List<ForEachRepository.Outcome<BackupResult>> outcomes = new ForEachRepository(Failures::asLifeboatException).run(
                repositories.members(), member -> {
                    // WAL queued for this repository must be there before the backup waits for its own.
                    repositories.catchUp(member.name(), Duration.ofSeconds(archiveTimeoutSeconds));
                    return new BackupService(repositories.open(member.name()), Clock.systemUTC(), wait).run(request);
                }, outcome -> {
                    if (!outcome.succeeded()) {
                        err().println("lifeboat: backup into repository " + outcome.repository().name() + " failed: "
                                + outcome.failure().getMessage());
                    } else {
                        warnCorruptPages(outcome.result(), "repository " + outcome.repository().name() + ": ");
                        if (!json()) {
                            printText(out(), outcome.result(), outcome.repository().name() + " ");
                        }
                    }
                });
        repositories.warnings().forEach(w -> err().println("lifeboat: warning: " + w));
        if (json()) {
            List<RepositoryBackup> results = outcomes.stream().map(o -> new RepositoryBackup(o.repository().name(), o.result(),
                    o.succeeded() ? null : o.failure().getMessage())).toList();
            print(Map.of("backups", results), out -> { });
        }
        ForEachRepository.throwFirstFailure(outcomes, member -> "backup into repository " + member.name() + " failed: ");
        return 0;
    }

    /** One repository's backup, or why it failed. */
    public record RepositoryBackup(String repository, BackupResult backup, String error) {
    }

    /** A warning line per relation file with corrupt pages: the backup is complete, the cluster is not well. */
    private void warnCorruptPages(BackupResult result, String prefix) {
        for (BackupManifest.CorruptPages c : result.corruptPages()) {
            err().println("lifeboat: warning: " + prefix + "backup " + result.backupId() + " holds corrupt pages (checksum failed): "
                    + c.describe());
        }
    }

    private static void printText(PrintStream out, BackupResult result, String prefix) {
        out.println(prefix + result.backupId());
        if (System.console() != null) {
            out.printf("  %s backup%s%s, timeline %d, LSN %s .. %s%n", result.type().jsonName(), result.fromStandby() ? " from a standby" : "",
                    result.parent() == null ? "" : " on " + result.parent() + " (" + result.reusedFiles() + " unchanged files reused)",
                    result.timeline(), result.startLsn(), result.stopLsn());
            out.printf("  %,d files, %,.1f MB read, %,.1f MB stored (%d objects)%n", result.files(),
                    result.bytes() / 1e6, result.storedBytes() / 1e6, result.objects());
            out.printf("  %.1f s (copy %.1f s, WAL wait %.1f s), %.1f MB/s%n", seconds(result.totalDuration()),
                    seconds(result.copyDuration()), seconds(result.archiveWaitDuration()), result.megabytesPerSecond());
        }
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
