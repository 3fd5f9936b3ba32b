package dev.lifeboat.cli.command;

import dev.lifeboat.cli.common.CliContext;
import dev.lifeboat.cli.common.LifeboatInvocation;
import dev.lifeboat.cli.common.OutputFormat;
import dev.lifeboat.cli.common.TerminalProgress;
import dev.lifeboat.cli.option.NumberValues;
import dev.lifeboat.cli.option.TextValues;
import dev.lifeboat.core.archive.RepositorySet;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.restore.FallThroughRestore;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestoreRequest;
import dev.lifeboat.core.restore.RestoreResult;
import dev.lifeboat.core.restore.TablespaceRemap;
import dev.lifeboat.core.restore.WalCommandLine;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup into a new data directory, recover to a target and start the new instance.",
                "Picks the newest backup that can reach the target, refuses targets the archive cannot reach,",
                "and reports when the instance is open for writes. The source and its repository are only read.",
                "With several repositories configured, restores from the first that can (a repository that is",
                "unreachable, lacks the backup or holds a corrupt object is passed over and named)."})
public final class RestoreCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    PostgresOptions login;

    @Mixin
    PgBinOption pgBin;

    @Option(names = "--pgdata", paramLabel = "NEWDIR", description = "New (or empty) data directory to restore into.")
    Path pgdata;

    @Option(names = "--port", converter = NumberValues.Port.class, paramLabel = "PORT", description = "Port for the new instance.")
    Integer port;

    @Mixin
    RecoveryTargetOptions targetOptions;

    @Option(names = "--backup", paramLabel = "ID", description = "Restore this backup instead of choosing one.")
    String backupId;

    @Option(names = "--no-start", negatable = false, description = "Write the files and recovery settings, but do not start the instance.")
    boolean noStart;

    @Option(names = "--pause-at-target", description = "Pause at the target instead of promoting, to look before promoting.")
    boolean pauseAtTarget;

    @Option(names = "--archive-to", converter = TextValues.StoreLocation.class, paramLabel = "same|REPO",
            description = {"Let the new instance archive its WAL: 'same' (it replaces the source as primary, on a new timeline)",
                    "or another repository. Default: archive_mode = off, so a restored copy never writes into the source's archive."})
    String archiveTo;

    @Option(names = "--standby", description = {"Start it as a warm standby that keeps replaying WAL from the repository",
            "as it arrives (read-only) until 'lifeboat promote --pgdata NEWDIR'. Takes no target."})
    boolean standby;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "A setting for the new instance (repeatable), e.g. --set shared_buffers=256MB.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = TablespaceRemap.OPTION, paramLabel = "NAME_OR_OID=/new/path",
            description = {"Restore a tablespace (by name or oid) into this directory instead of its original one (repeatable).",
                    "Without it a tablespace goes back to its original directory, which must be absent or empty;",
                    "with --standby, beside NEWDIR in NEWDIR-tablespaces/OID."})
    List<String> tablespaceMap = new java.util.ArrayList<>();

    @Option(names = "--jobs", converter = NumberValues.PositiveInt.class, paramLabel = "N", description = "Objects fetched and written at once (default: number of CPUs).")
    Integer jobs;

    @Option(names = "--prefetch", converter = NumberValues.NonNegativeInt.class, paramLabel = "N",
            defaultValue = RestoreRequest.DEFAULT_PREFETCH_TEXT,
            description = {"While the instance recovers, fetch up to N WAL segments ahead of it in parallel, verified, so that",
                    "restore_command hands them over without a JVM (default: ${DEFAULT-VALUE}; 0: off)."})
    int prefetch;

    @Option(names = "--start-timeout", converter = NumberValues.PositiveLong.class, paramLabel = "SECONDS",
            defaultValue = RestoreRequest.DEFAULT_START_TIMEOUT_SECONDS,
            description = "How long to wait for recovery and the first write (default: ${DEFAULT-VALUE}).")
    long startTimeoutSeconds;

    public RestoreCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        required(pgdata, "--pgdata", "name the new data directory to restore into");
        if (!noStart) {
            required(port, "--port", "give the new instance a free port, e.g. --port 5433");
        }
        if (standby && (targetOptions.given() || pauseAtTarget || backupId != null)) {
            throw new LifeboatException(ErrorCode.USAGE, "--standby takes no target, --backup or --pause-at-target",
                    "a standby starts from the newest backup and replays all archived WAL until it is promoted");
        }
        Map<String, Path> tablespaces = TablespaceRemap.parse(tablespaceMap);
        RecoveryTarget recoveryTarget = targetOptions.target();
        Integer timeline = targetOptions.timeline();
        Thread interrupted = interruptedNotice(pgdata.toAbsolutePath().normalize());
        Runtime.getRuntime().addShutdownHook(interrupted);
        try (RepositorySet repositories = repo.openSet()) {
            List<String> command = LifeboatInvocation.command(context);
            List<String> options = LifeboatInvocation.options(context);
            String archiveCommand = archiveCommand(repositories, command, options);
            RestoreRequest request = RestoreRequest.builder(pgdata).port(port == null ? 0 : port).target(recoveryTarget)
                    .backupId(backupId).targetTimeline(timeline).lifeboat(command, options).archiveCommand(archiveCommand)
                    .pauseAtTarget(pauseAtTarget).start(!noStart).login(login.settings(context.env()))
                    .startTimeout(Duration.ofSeconds(startTimeoutSeconds)).jobs(jobs).prefetch(prefetch)
                    .progress(TerminalProgress.forTerminal(err(), common().output == OutputFormat.text)).standby(standby)
                    .settings(settings).pgBin(pgBin.choice()).tablespaceMap(tablespaces).build();
            FallThroughRestore.Restored restored = new FallThroughRestore(repositories, repo::arguments).run(request);
            for (String passedOver : restored.passedOver()) {
                err().println("lifeboat: warning: restored from repository " + restored.from() + "; passed over " + passedOver);
            }
            RestoreResult result = restored.result();
            print(result, out -> printText(out, result));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(interrupted);
            } catch (IllegalStateException alreadyStopping) {
                // the JVM is shutting down: the notice runs
            }
        }
        return 0;
    }

    /** What a restore stopped by SIGINT or SIGTERM says on its way out, so the half-made directory is explained. */
    private Thread interruptedNotice(Path destination) {
        return new Thread(() -> {
            err().println("lifeboat: error: the restore into " + destination + " was interrupted before it finished");
            err().println("  hint: the restore was interrupted (SIGINT or SIGTERM); nothing in the repository changed."
                    + " If PostgreSQL was started there, stop it (pg_ctl -D " + destination + " stop); then delete "
                    + destination + " and restore again");
            err().flush();
        }, "restore-interrupted");
    }

    private String archiveCommand(RepositorySet repositories, List<String> command, List<String> options) {
        if (archiveTo == null || archiveTo.equalsIgnoreCase("off")) {
            return null;
        }
        if (archiveTo.equalsIgnoreCase("same")) {
            return WalCommandLine.archiveCommand(command, options,
                    repo.arguments(repositories.members().stream().map(RepositoryConfig::name).toList()));
        }
        for (RepositoryConfig member : repositories.members()) {
            if (BlobStores.toUri(archiveTo).equals(BlobStores.toUri(member.location()))) {
                throw new LifeboatException(ErrorCode.USAGE, "--archive-to names the source repository",
                        "say --archive-to same if the restored instance is to replace the source as primary");
            }
        }
        requireArchiveRepository(repositories, archiveTo);
        return WalCommandLine.archiveCommand(command, options, RepositoryOption.absolute(archiveTo));
    }

    /**
     * The repository the restored instance is to archive into must already exist for this
     * cluster: otherwise every archive_command of the new instance fails, unseen, until its
     * pg_wal fills the disk. Checked before anything is written.
     */
    private void requireArchiveRepository(RepositorySet repositories, String location) {
        try (BlobStore store = repo.openStore(location)) {
            RepositoryDescriptor target = Repository.readDescriptor(store).orElseThrow(() -> new LifeboatException(ErrorCode.REPOSITORY,
                    "--archive-to: no Lifeboat repository at " + store.location(),
                    "create it first with 'lifeboat init --repo " + RepositoryOption.absolute(location)
                            + " --pgdata <the source's data directory>', or leave --archive-to out"));
            String cluster = repositories.descriptor().systemIdentifier();
            if (!target.systemIdentifier().equals(cluster)) {
                throw new LifeboatException(ErrorCode.REPOSITORY, "--archive-to: repository " + store.location()
                        + " belongs to cluster " + target.systemIdentifier() + ", not to the restored one (" + cluster + ")",
                        "archive into a repository initialised for this cluster, or say --archive-to same");
            }
        }
    }

    private static void printText(PrintStream out, RestoreResult r) {
        out.printf("restored backup %s to %s into %s%n", r.backupId(), r.target(), r.pgdata());
        out.printf("  files      %6.1f s  (%,d files, %,.1f MB)%n", seconds(r.filesDuration()), r.files(), r.bytes() / 1e6);
        if (r.started() && r.pausedAtTarget()) {
            out.printf("  recovery   %6.1f s to consistent%n", seconds(r.toConsistent()));
            out.printf("paused at the target on port %d, read-only: look around, then promote it with:%n", r.port());
            out.printf("  lifeboat promote --pgdata %s%n", r.pgdata());
        } else if (r.started() && r.standby()) {
            out.printf("  recovery   %6.1f s to consistent%n", seconds(r.toConsistent()));
            out.printf("standby on port %d, replaying WAL from the repository as it arrives; server log %s%n", r.port(), r.logFile());
            out.printf("promote it with: lifeboat promote --pgdata %s%n", r.pgdata());
        } else if (r.started()) {
            out.printf("  recovery   %6.1f s to consistent, %.1f s to promoted, %.1f s to open for writes%n",
                    seconds(r.toConsistent()), seconds(r.toPromoted()), seconds(r.toOpenForWrites()));
            out.printf("  total      %6.1f s%n", seconds(r.totalDuration()));
            out.printf("open for writes on port %d%s; server log %s%n", r.port(),
                    r.reachedTimeline() == null ? "" : " (timeline " + r.reachedTimeline() + ")", r.logFile());
        } else {
            out.printf("  total      %6.1f s%n", seconds(r.totalDuration()));
            out.printf("not started (--no-start): start it with pg_ctl -D %s start%n", r.pgdata());
        }
        for (String note : r.notes()) {
            out.println("note: " + note);
        }
    }

    private static double seconds(Duration d) {
        return d == null ? 0 : d.toNanos() / 1e9;
    }
}
