package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.crypto.DerivedKeyFile;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.ReadLease;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.pg.StartupProgress;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.archive.LauncherRepository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Point-in-time restore into a new data directory: plan (refuse what cannot work), write the
 * backup's files, write recovery settings, start the new instance on its own port and wait
 * until it takes writes (or, for a standby, until it is consistent). The source cluster and
 * its repository are only read. The three steps are public for restore drills, which put
 * checks between them.
 */
public final class RestoreService {

    private final Repository repository;
    private final List<String> walSource;

    public RestoreService(Repository repository) {
        this(repository, List.of("--repo", repository.location()));
    }

    /**
     * @param walSource the arguments restore_command passes wal-fetch to name where WAL comes from
     *                  (e.g. --repo LOCATION, or nothing with --config naming several repositories)
     */
    public RestoreService(Repository repository, List<String> walSource) {
        this.repository = repository;
        this.walSource = List.copyOf(walSource);
    }

    /** The server log of a restored instance, inside its data directory. */
    public static final String LOG_FILE_NAME = "lifeboat-restore.log";

    public RestoreResult run(RestoreRequest request) {
        long started = System.nanoTime();
        RestorePlan plan = plan(request);
        Duration planDuration = Duration.ofNanos(System.nanoTime() - started);
        // Held until the restore ends: expire keeps the backup, its chain and the WAL from its
        // start while it lives, and a started instance fetches that WAL during recovery.
        try (ReadLease lease = ReadLease.take(repository.store(), plan.backup().id(), "restore")) {
            if (lease.unprotected() != null) {
                request.progress().step(lease.unprotected());
            }
            return run(request, plan, planDuration, started);
        }
    }

    /** Writes (and starts) under the read lease: the manifest is read again now, after the lease was taken. */
    private RestoreResult run(RestoreRequest request, RestorePlan plan, Duration planDuration, long started) {
        FilesWritten files = writeFiles(plan, request);
        if (!request.start()) {
            return new RestoreResult(files.manifest().id(), plan.target().describe(), files.pgdata().toString(), request.port(), false,
                    request.standby(), false, null, files.manifest().totals().files(), files.bytes(), planDuration, files.duration(), null, null,
                    null, Duration.ofNanos(System.nanoTime() - started), null, files.notes());
        }
        Startup startup = start(files, request);
        return new RestoreResult(files.manifest().id(), plan.target().describe(), files.pgdata().toString(), request.port(), true,
                request.standby(), request.pauseAtTarget(), startup.timeline(), files.manifest().totals().files(), files.bytes(), planDuration, files.duration(),
                startup.elapsedAt(StartupPhase.ACCEPTING_CONNECTIONS), startup.elapsedAt(StartupPhase.RECOVERY_FINISHED),
                startup.elapsedAt(StartupPhase.OPEN_FOR_WRITES), Duration.ofNanos(System.nanoTime() - started),
                startup.logFile().toString(), files.notes());
    }

    /**
     * Refuses what cannot work (a destination in use, a port in use, settings that would undo
     * Lifeboat's, server binaries of another major version, an unreachable target) and chooses
     * the backup. Writes nothing.
     */
    public RestorePlan plan(RestoreRequest request) {
        RestorePreconditions preconditions = new RestorePreconditions(repository);
        preconditions.beforePlanning(request);
        request.progress().step("choosing a backup for " + request.target().describe());
        RestorePlan plan = new RestorePlanner(repository).plan(request.target(), request.backupId(), request.targetTimeline());
        plan.notes().stream().filter(n -> n.startsWith("skipped damaged backup")).forEach(request.progress()::step);
        preconditions.afterPlanning(plan, request);
        return plan;
    }

    /**
     * The backup's files, written and checked.
     *
     * @param notes       things the operator should read before trusting the result
     * @param tablespaces where the backup's tablespaces were written
     */
    public record FilesWritten(RestorePlan plan, BackupManifest manifest, Path pgdata, long bytes, Duration duration, List<String> notes,
                               List<TablespacePlacement> tablespaces) {
    }

    /**
     * Writes the planned backup's files (each checked against its SHA-256), its backup_label
     * and the recovery settings into the destination. On failure the destination is left as
     * it was found (removed when it did not exist).
     */
    public FilesWritten writeFiles(RestorePlan plan, RestoreRequest request) {
        ProgressListener progress = request.progress();
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        RestorePreconditions.requireEmptyDestination(pgdata);
        BackupManifest manifest = repository.backups().read(plan.backup().id());
        List<TablespacePlacement> tablespaces = new RestorePreconditions(repository).tablespacePlacements(manifest, request);
        boolean created = DestinationClaim.claim(pgdata, manifest.id());
        TablespaceDestinations.Claim tablespaceClaim = null;
        progress.step("restoring backup " + manifest.id() + " (" + manifest.totals().files() + " files, "
                + String.format("%.1f MB", manifest.totals().bytes() / 1e6) + ") into " + pgdata);
        long filesStarted = System.nanoTime();
        long bytes;
        List<String> notes = new ArrayList<>(plan.notes());
        try {
            tablespaceClaim = TablespaceDestinations.claim(tablespaces);
            // The links first: the tablespaces' files are written through them.
            TablespaceLinks.write(pgdata, tablespaces);
            bytes = new DataFileRestorer(repository, request.jobs(), progress).restore(manifest, pgdata);
            Files.writeString(pgdata.resolve("backup_label"), manifest.backupLabel());
            for (TablespacePlacement t : tablespaces) {
                if (!t.original()) {
                    notes.add(t.tablespace().describe() + " was restored to " + t.target() + " (it was at " + t.tablespace().location() + ")");
                }
            }
            List<String> source = walSource;
            if (repository.descriptor().encrypted() && repository.keys() instanceof KeyFile keyFile && !walSource.contains("--key-file")) {
                // e.g. a drill: restore_command opens the repository with the same key file, named by path
                source = new ArrayList<>(walSource);
                source.addAll(List.of("--key-file", keyFile.file().toString()));
            } else if (DerivedKeyFile.write(serverKeyFile(pgdata), repository.keys())) {
                // a passphrase repository: restore_command reads the stretched key from a 0600 file, never the passphrase
                source = new ArrayList<>(walSource);
                source.addAll(List.of("--key-file", serverKeyFile(pgdata).toString()));
                notes.add("restore_command reads the repository key (derived from the passphrase) from " + serverKeyFile(pgdata)
                        + (request.start() && !request.standby() && !request.pauseAtTarget() ? "; it is removed once the instance is promoted"
                        : "; it is removed by 'lifeboat promote', or delete it once recovery has ended"));
            }
            String restoreCommand = WalCommandLine.restoreCommand(request.lifeboatCommand(), request.commandOptions(), source);
            Map<String, String> settings = RecoveryConfiguration.settings(plan, restoreCommand, request.port(),
                    request.archiveCommand(), request.pauseAtTarget() ? "pause" : "promote", RecoveryConfiguration.socketDirectoriesOverride(pgdata),
                    request.standby(), request.settings());
            RecoveryConfiguration.write(pgdata, settings, manifest.id(), repository.location(), request.standby());
            IncompleteRestoreMarker.remove(pgdata);
        } catch (IOException | RuntimeException e) {
            DestinationClaim.release(pgdata, created);
            if (tablespaceClaim != null) {
                TablespaceDestinations.release(tablespaceClaim);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write " + pgdata + ": " + e.getMessage(), null, e);
        }
        return new FilesWritten(plan, manifest, pgdata, bytes, Duration.ofNanos(System.nanoTime() - filesStarted), notes, tablespaces);
    }

    /**
     * A restored instance that runs.
     *
     * @param phases   the start-up phases reached, each with the time since the start
     * @param timeline the timeline it writes on, or null for a standby
     */
    public record Startup(PgInstance instance, PgBinaries binaries, List<StartupProgress> phases, Integer timeline, Path logFile) {

        /** How long after the start the phase was reached, or null when it was not. */
        public Duration elapsedAt(StartupPhase phase) {
            return phases.stream().filter(p -> p.phase() == phase).map(StartupProgress::elapsed).findFirst().orElse(null);
        }

        /** The replayed WAL position seen when recovery finished, if it was seen. */
        public String recoveryEndLsn() {
            return phases.stream().filter(p -> p.phase() == StartupPhase.RECOVERY_FINISHED).map(StartupProgress::lastReplayedLsn)
                    .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        }
    }

    /**
     * Starts the written data directory on the request's port and waits until it takes writes
     * (a standby: until it is consistent and takes read-only connections).
     */
    public Startup start(FilesWritten files, RestoreRequest request) {
        ProgressListener progress = request.progress();
        PgBinaries binaries = serverBinaries(files.manifest(), request);
        progress.step("starting PostgreSQL " + binaries.version() + " from " + binaries.binDirectory() + " on port " + request.port() + " and replaying WAL"
                + (request.standby() ? " as a standby" : ""));
        Path logFile = files.pgdata().resolve(LOG_FILE_NAME);
        ServerUser serverUser = ServerUser.detect();
        PgInstance instance = PgInstance.builder(binaries, files.pgdata())
                .serverUser(serverUser)
                .user(request.login().user())
                .password(request.login().password())
                .build();
        serverUser.handOver(files.pgdata()); // before the spool is made, so that its files are the server's too
        Path tablespaceHome = request.effectiveTablespaceHome();
        if (tablespaceHome != null && Files.isDirectory(tablespaceHome)) {
            serverUser.handOver(tablespaceHome); // made by the restore: the server must enter it
        }
        for (TablespacePlacement t : files.tablespaces()) {
            serverUser.handOver(t.target()); // the links in pg_tblspc are not followed by the hand-over above
        }
        try (WalPrefetcher prefetcher = startPrefetcher(request, files)) {
            instance.start(request.port(), logFile);
            Startup startup = RestoredInstanceWait.await(instance, binaries, logFile, request);
            if (!request.standby() && !request.pauseAtTarget()) {
                removeServerKeyFile(files.pgdata()); // promoted: restore_command runs no more
            }
            return startup;
        }
    }

    /**
     * The server binaries that run a restore of {@code backup}: of its major version, from the
     * request's --pg-bin, LIFEBOAT_PG_BIN or the usual places.
     */
    public static PgBinaries serverBinaries(BackupManifest backup, RestoreRequest request) {
        return RestorePreconditions.binariesFor(backup, request.pgBin());
    }

    /**
     * Where a restored instance of a passphrase repository finds the key its restore_command
     * needs: in pg_wal, which no base backup copies, readable by the server user only.
     */
    public static Path serverKeyFile(Path pgdata) {
        return pgdata.toAbsolutePath().normalize().resolve("pg_wal").resolve(".lifeboat").resolve("repository.key");
    }

    /** Removes the key a promoted instance no longer needs. */
    public static void removeServerKeyFile(Path pgdata) {
        try {
            Files.deleteIfExists(serverKeyFile(pgdata));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot remove the key file " + serverKeyFile(pgdata) + ": " + e.getMessage(),
                    "delete it by hand: the promoted instance no longer needs it");
        }
    }

    /**
     * Prefetching needs the launcher's fast path, which answers only restore_command's plain
     * form (wal-fetch --repo LOCATION [--key-file FILE], no --config): otherwise there is nothing
     * to prefetch for. The spool holds only files this JVM decrypted and authenticated.
     */
    private WalPrefetcher startPrefetcher(RestoreRequest request, FilesWritten files) {
        Optional<LauncherRepository> served = LauncherRepository.fromArguments(walSource);
        if (request.prefetch() <= 0 || !request.commandOptions().isEmpty() || served.isEmpty()) {
            return null;
        }
        try {
            // the launcher serves the spool only to restore_command's --repo (and --key-file) text, word for word
            return WalPrefetcher.start(repository, files.pgdata(), served.get(), files.plan().replayPath(), request.prefetch(),
                    Math.min(request.prefetch(), Math.max(2, request.jobs())));
        } catch (IOException | RuntimeException e) {
            files.notes().add("WAL prefetching is off: " + e.getMessage());
            return null;
        }
    }
}
