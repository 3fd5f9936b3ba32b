package dev.lifeboat.cli.command;

import dev.lifeboat.cli.CliContext;
import dev.lifeboat.cli.LifeboatInvocation;
import dev.lifeboat.cli.OutputFormat;
import dev.lifeboat.cli.TerminalProgress;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestoreRequest;
import dev.lifeboat.core.restore.RestoreResult;
import dev.lifeboat.core.restore.RestoreService;
import dev.lifeboat.storage.BlobStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup into a new data directory, recover to a target and start the new instance.",
                "Picks the newest backup that can reach the target, refuses targets the archive cannot reach,",
                "and reports when the instance is open for writes. The source and its repository are only read."})
public final class RestoreCommand extends LifeboatSubcommand {

    @Mixin
    RepositoryOption repo;

    @Mixin
    PostgresOptions login;

    @Option(names = "--pgdata", paramLabel = "NEWDIR", description = "New (or empty) data directory to restore into.")
    Path pgdata;

    @Option(names = "--port", paramLabel = "PORT", description = "Port for the new instance.")
    Integer port;

    @Option(names = "--target-time", paramLabel = "TIME", description = "Recover to this time, with a zone: '2026-11-20 14:03:00+00'.")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover to this WAL position, e.g. 0/3000060.")
    String targetLsn;

    @Option(names = "--target-xid", paramLabel = "XID", description = "Recover to the commit of this transaction.")
    String targetXid;

    @Option(names = "--target-name", paramLabel = "NAME", description = "Recover to this restore point (pg_create_restore_point).")
    String targetName;

    @Option(names = "--target", paramLabel = "immediate|latest",
            description = "immediate: stop once the backup is consistent; latest: replay all archived WAL (the default).")
    String target;

    @Option(names = "--target-timeline", paramLabel = "N|latest", description = "Timeline to follow (default: latest).")
    String targetTimeline;

    @Option(names = "--backup", paramLabel = "ID", description = "Restore this backup instead of choosing one.")
    String backupId;

    @Option(names = "--no-start", negatable = false, description = "Write the files and recovery settings, but do not start the instance.")
    boolean noStart;

    @Option(names = "--pause-at-target", description = "Pause at the target instead of promoting, to look before promoting.")
    boolean pauseAtTarget;

    @Option(names = "--archive-to", paramLabel = "same|REPO",
            description = {"Let the new instance archive its WAL: 'same' (it replaces the source as primary, on a new timeline)",
                    "or another repository. Default: archive_mode = off, so a restored copy never writes into the source's archive."})
    String archiveTo;

    @Option(names = "--jobs", paramLabel = "N", description = "Objects fetched and written at once (default: number of CPUs).")
    Integer jobs;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "8",
            description = {"While the instance recovers, fetch up to N WAL segments ahead of it in parallel, verified, so that",
                    "restore_command hands them over without a JVM (default: ${DEFAULT-VALUE}; 0: off)."})
    int prefetch;

    @Option(names = "--start-timeout", paramLabel = "SECONDS", defaultValue = "3600",
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
        RecoveryTarget recoveryTarget = recoveryTarget();
        Integer timeline = targetTimeline == null || targetTimeline.equalsIgnoreCase("latest") ? null : parseTimeline(targetTimeline);
        try (Repository repository = repo.open()) {
            List<String> command = LifeboatInvocation.command(context);
            List<String> options = LifeboatInvocation.options(context);
            String archiveCommand = archiveCommand(repository, command, options);
            RestoreRequest request = new RestoreRequest(pgdata, port == null ? 0 : port, recoveryTarget, backupId, timeline,
                    command, options, archiveCommand, pauseAtTarget, !noStart, login.settings(context.env()),
                    Duration.ofSeconds(startTimeoutSeconds), jobs != null && jobs > 0 ? jobs : Runtime.getRuntime().availableProcessors(),
                    Math.max(0, prefetch),
                    TerminalProgress.forTerminal(err(), common().output == OutputFormat.text));
            RestoreResult result = new RestoreService(repository).run(request);
            print(result, out -> printText(out, result));
        }
        return 0;
    }

    private RecoveryTarget recoveryTarget() {
        List<RecoveryTarget> given = new ArrayList<>();
        if (targetTime != null) {
            given.add(RecoveryTarget.parseTime(targetTime));
        }
        if (targetLsn != null) {
            given.add(RecoveryTarget.parseLsn(targetLsn));
        }
        if (targetXid != null) {
            given.add(RecoveryTarget.parseXid(targetXid));
        }
        if (targetName != null) {
            given.add(new RecoveryTarget.Name(targetName));
        }
        if (target != null) {
            given.add(RecoveryTarget.parseKeyword(target));
        }
        if (given.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "more than one recovery target given",
                    "use one of --target-time, --target-lsn, --target-xid, --target-name, --target");
        }
        return given.isEmpty() ? new RecoveryTarget.Latest() : given.get(0);
    }

    private static int parseTimeline(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--target-timeline must be a number or 'latest', not '" + text + "'", null);
        }
    }

    private String archiveCommand(Repository repository, List<String> command, List<String> options) {
        if (archiveTo == null || archiveTo.equalsIgnoreCase("off")) {
            return null;
        }
        String location = archiveTo.equalsIgnoreCase("same") ? repository.location() : archiveTo;
        if (!archiveTo.equalsIgnoreCase("same") && BlobStores.toUri(location).equals(BlobStores.toUri(repository.location()))) {
            throw new LifeboatException(ErrorCode.USAGE, "--archive-to names the source repository",
                    "say --archive-to same if the restored instance is to replace the source as primary");
        }
        return RestoreService.archiveCommand(command, options, location);
    }

    private static void printText(PrintStream out, RestoreResult r) {
        out.printf("restored backup %s to %s into %s%n", r.backupId(), r.target(), r.pgdata());
        out.printf("  files      %6.1f s  (%,d files, %,.1f MB)%n", seconds(r.filesDuration()), r.files(), r.bytes() / 1e6);
        if (r.started()) {
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
