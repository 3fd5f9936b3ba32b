package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.lock.ReadLease;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.pg.StartupListener;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.pg.StartupProgress;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        requireEmptyDestination(pgdata);
        RestoreDestinationCheck.require(pgdata, localRepositoryDirectory(), request.start() ? ServerUser.detect() : null);
        if (request.start()) {
            requirePortFree(request.port());
        }
        RecoveryConfiguration.requireAllowed(request.settings());
        if (request.standby() && !(request.target() instanceof RecoveryTarget.Latest)) {
            throw new LifeboatException(ErrorCode.USAGE, "a standby replays all archived WAL and cannot stop at " + request.target().describe(),
                    "drop the target options with --standby");
        }
        request.progress().step("choosing a backup for " + request.target().describe());
        RestorePlan plan = new RestorePlanner(repository).plan(request.target(), request.backupId(), request.targetTimeline());
        plan.notes().stream().filter(n -> n.startsWith("skipped damaged backup")).forEach(request.progress()::step);
        if (request.start()) {
            binariesFor(plan.backup());
            requireServerCanRunLifeboat(ServerUser.detect(), request.lifeboatCommand());
        }
        return plan;
    }

    /**
     * The backup's files, written and checked.
     *
     * @param notes things the operator should read before trusting the result
     */
    public record FilesWritten(RestorePlan plan, BackupManifest manifest, Path pgdata, long bytes, Duration duration, List<String> notes) {
    }

    /**
     * Writes the planned backup's files (each checked against its SHA-256), its backup_label
     * and the recovery settings into the destination. On failure the destination is left as
     * it was found (removed when it did not exist).
     */
    public FilesWritten writeFiles(RestorePlan plan, RestoreRequest request) {
        ProgressListener progress = request.progress();
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        requireEmptyDestination(pgdata);
        BackupManifest manifest = repository.backups().read(plan.backup().id());
        boolean created = claimDestination(pgdata, manifest.id());
        progress.step("restoring backup " + manifest.id() + " (" + manifest.totals().files() + " files, "
                + String.format("%.1f MB", manifest.totals().bytes() / 1e6) + ") into " + pgdata);
        long filesStarted = System.nanoTime();
        long bytes;
        List<String> notes = new ArrayList<>(plan.notes());
        try {
            bytes = new DataFileRestorer(repository, request.jobs(), progress).restore(manifest, pgdata);
            Files.writeString(pgdata.resolve("backup_label"), manifest.backupLabel());
            if (manifest.links() != null && !manifest.links().isEmpty()) {
                // Without tablespace_map PostgreSQL uses the directories restored in pg_tblspc as they are.
                notes.add("tablespaces were restored inside the data directory (pg_tblspc/<oid>), not at their original paths");
            }
            String restoreCommand = RecoveryConfiguration.shellCommand(concat(request.lifeboatCommand(), List.of("wal-fetch"),
                    request.commandOptions(), walSource, List.of("%f", "%p")));
            Map<String, String> settings = RecoveryConfiguration.settings(plan, restoreCommand, request.port(),
                    request.archiveCommand(), request.pauseAtTarget() ? "pause" : "promote", socketDirectoriesOverride(pgdata),
                    request.standby(), request.settings());
            RecoveryConfiguration.write(pgdata, settings, manifest.id(), repository.location(), request.standby());
            IncompleteRestoreMarker.remove(pgdata);
        } catch (IOException | RuntimeException e) {
            removeQuietly(pgdata, created);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write " + pgdata + ": " + e.getMessage(), null, e);
        }
        return new FilesWritten(plan, manifest, pgdata, bytes, Duration.ofNanos(System.nanoTime() - filesStarted), notes);
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
        PgBinaries binaries = binariesFor(files.manifest());
        progress.step("starting PostgreSQL " + binaries.version() + " on port " + request.port() + " and replaying WAL"
                + (request.standby() ? " as a standby" : ""));
        Path logFile = files.pgdata().resolve(LOG_FILE_NAME);
        ServerUser serverUser = ServerUser.detect();
        PgInstance instance = PgInstance.builder(binaries, files.pgdata())
                .serverUser(serverUser)
                .user(request.login().user())
                .password(request.login().password())
                .build();
        serverUser.handOver(files.pgdata()); // before the spool is made, so that its files are the server's too
        try (WalPrefetcher prefetcher = startPrefetcher(request, files)) {
            instance.start(request.port(), logFile);
            return awaitStarted(instance, binaries, logFile, request);
        }
    }

    private Startup awaitStarted(PgInstance instance, PgBinaries binaries, Path logFile, RestoreRequest request) {
        ProgressListener progress = request.progress();
        StartupListener listener = p -> {
            if (p.phase() == StartupPhase.RECOVERING && p.lastReplayedLsn() != null) {
                progress.step("replayed WAL up to " + p.lastReplayedLsn());
            } else if (p.phase() != StartupPhase.RECOVERING) {
                progress.step(p.phase().name().toLowerCase().replace('_', ' ') + " after "
                        + String.format("%.1f s", p.elapsed().toNanos() / 1e9));
            }
        };
        if (request.standby()) {
            return new Startup(instance, binaries, instance.awaitConsistent(request.startTimeout(), listener), null, logFile);
        }
        if (request.pauseAtTarget()) {
            List<StartupProgress> phases = instance.awaitConsistent(request.startTimeout(), listener);
            awaitPausedAtTarget(instance, request.startTimeout());
            progress.step("recovery paused at the target");
            return new Startup(instance, binaries, phases, null, logFile);
        }
        List<StartupProgress> phases = instance.awaitOpenForWrites(request.startTimeout(), listener);
        return new Startup(instance, binaries, phases, currentTimeline(instance), logFile);
    }

    /**
     * With recovery_target_action = pause, the server replays to the target and waits there,
     * read-only, for someone to look and then promote.
     */
    private static void awaitPausedAtTarget(PgInstance instance, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection c = instance.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END")) {
                rs.next();
                if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                    return; // paused at the target (or someone promoted it meanwhile)
                }
                last = "still replaying";
            } catch (SQLException e) {
                last = e.getMessage();
            }
            if (!instance.isRunning()) {
                throw new LifeboatException(ErrorCode.RECOVERY, "PostgreSQL on " + instance.dataDirectory()
                        + " stopped before it reached the target", "see the server log " + instance.logFile());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new LifeboatException(ErrorCode.TIMEOUT, "recovery on " + instance.dataDirectory() + " did not reach the target within "
                + timeout.toSeconds() + " s (" + last + ")", "raise --start-timeout, or see the server log " + instance.logFile());
    }

    /**
     * Prefetching needs the launcher's fast path, which answers only restore_command's plain
     * form (wal-fetch --repo LOCATION, no --config): otherwise there is nothing to prefetch for.
     */
    private WalPrefetcher startPrefetcher(RestoreRequest request, FilesWritten files) {
        if (request.prefetch() <= 0 || !request.commandOptions().isEmpty() || walSource.size() != 2 || !walSource.get(0).equals("--repo")) {
            return null;
        }
        try {
            // the launcher serves the spool only to restore_command's --repo text, word for word
            return WalPrefetcher.start(repository, files.pgdata(), walSource.get(1), files.plan().replayPath(), request.prefetch(),
                    Math.min(request.prefetch(), Math.max(2, request.jobs())));
        } catch (IOException | RuntimeException e) {
            files.notes().add("WAL prefetching is off: " + e.getMessage());
            return null;
        }
    }

    static Integer currentTimeline(PgInstance instance) {
        try (Connection c = instance.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
            return rs.next() ? Integer.parseInt(rs.getString(1), 16) : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Makes the checked destination this restore's before anything is written into it: the
     * directory is created, or the incomplete-restore marker placed, atomically. Of two
     * restores into one directory one goes on and the other is refused without removing
     * anything. True when this restore created the directory (so a failure removes it again).
     */
    private static boolean claimDestination(Path pgdata, String backupId) {
        boolean created = false;
        try {
            if (pgdata.getParent() != null) {
                Files.createDirectories(pgdata.getParent());
            }
            try {
                Files.createDirectory(pgdata);
                created = true;
                Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
            } catch (FileAlreadyExistsException existing) {
                // checked empty a moment ago: the marker below decides whose it is
            }
            if (!IncompleteRestoreMarker.place(pgdata, backupId)) {
                throw new LifeboatException(ErrorCode.DESTINATION, "another restore is writing into " + pgdata
                        + " (or one was interrupted there)", "restore into another directory, or wait for the other restore");
            }
            try (Stream<Path> entries = Files.list(pgdata)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().equals(IncompleteRestoreMarker.FILE_NAME))) {
                    IncompleteRestoreMarker.remove(pgdata);
                    throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is not empty",
                            "restore into a new or empty directory; Lifeboat never overwrites a data directory");
                }
            }
            return created;
        } catch (IOException e) {
            if (created) {
                removeQuietly(pgdata, true); // only what this restore made: the directory may be another's
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write " + pgdata + ": " + e.getMessage(), null, e);
        }
    }

    /** Refuses a destination that is a file, not empty, or left by an interrupted restore; a missing one is fine. */
    private static void requireEmptyDestination(Path pgdata) {
        if (!Files.exists(pgdata)) {
            return;
        }
        if (!Files.isDirectory(pgdata)) {
            throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is a file, not a directory",
                    "name a new or empty directory with --pgdata");
        }
        IncompleteRestoreMarker.refuseIfPresent(pgdata);
        try (Stream<Path> entries = Files.list(pgdata)) {
            if (entries.findAny().isPresent()) {
                throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is not empty",
                        "restore into a new or empty directory; Lifeboat never overwrites a data directory");
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot read restore destination " + pgdata + ": " + e.getMessage(),
                    null, e);
        }
    }

    private static void requirePortFree(int port) {
        if (port < 1 || port > 65535) {
            throw new LifeboatException(ErrorCode.USAGE, "port " + port + " is not a TCP port", "pass --port 1024..65535");
        }
        if (!FreePort.isFree(port)) {
            throw new LifeboatException(ErrorCode.DESTINATION, "port " + port + " is in use",
                    "choose a free --port for the restored instance");
        }
    }

    private static PgBinaries binariesFor(BackupManifest manifest) {
        PgBinaries binaries = PgBinaries.locate();
        if (binaries.majorVersion() != manifest.pgMajor()) {
            throw new LifeboatException(ErrorCode.POSTGRES, "backup " + manifest.id() + " is PostgreSQL " + manifest.pgMajor()
                    + " but the server binaries at " + binaries.binDirectory() + " are PostgreSQL " + binaries.majorVersion(),
                    "set LIFEBOAT_PG_BIN to a PostgreSQL " + manifest.pgMajor() + " bin directory");
        }
        return binaries;
    }

    /**
     * The restored server runs restore_command as its own user: Lifeboat and a directory
     * repository must be reachable by it, or recovery would fail at its first WAL file.
     */
    private void requireServerCanRunLifeboat(ServerUser user, List<String> lifeboatCommand) {
        for (String word : lifeboatCommand) {
            if (word.startsWith("/") && Files.exists(Path.of(word))) {
                user.requireReachable(Path.of(word));
            }
        }
        Path repositoryDirectory = Path.of(repository.location());
        if (repository.store().capabilities().local() && Files.isDirectory(repositoryDirectory)) {
            user.requireReachable(repositoryDirectory.resolve("lifeboat.json"));
        }
    }

    private Path localRepositoryDirectory() {
        return repository.store().capabilities().local() ? Path.of(repository.location()) : null;
    }

    /** A socket directory the source used that does not exist here would stop the server starting. */
    private static String socketDirectoriesOverride(Path pgdata) {
        String configured = RecoveryConfiguration.effectiveSetting(pgdata, "unix_socket_directories");
        if (configured == null || configured.isBlank()) {
            return null;
        }
        for (String dir : configured.split(",")) {
            String d = dir.strip();
            if (!d.isEmpty() && !d.startsWith("@") && !Files.isDirectory(Path.of(d))) {
                return "/tmp";
            }
        }
        return null;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    /** archive_command for a restored instance that archives into {@code repositoryLocation}. */
    public static String archiveCommand(List<String> lifeboatCommand, List<String> commandOptions, String repositoryLocation) {
        return archiveCommand(lifeboatCommand, commandOptions, List.of("--repo", repositoryLocation));
    }

    /** archive_command for a restored instance that archives where {@code repositoryArguments} say (--repo-name eu,us). */
    public static String archiveCommand(List<String> lifeboatCommand, List<String> commandOptions, List<String> repositoryArguments) {
        return RecoveryConfiguration.shellCommand(concat(lifeboatCommand, List.of("wal-push"), commandOptions,
                repositoryArguments, List.of("%p")));
    }

    private static void removeQuietly(Path pgdata, boolean removeItself) {
        if (!Files.exists(pgdata)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(pgdata)) {
            walk.sorted(Comparator.reverseOrder()).filter(p -> removeItself || !p.equals(pgdata)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
