package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.pg.StartupProgress;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;

import java.io.IOException;
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
 * until it takes writes. The source cluster and its repository are only read.
 */
public final class RestoreService {

    private final Repository repository;

    public RestoreService(Repository repository) {
        this.repository = repository;
    }

    public RestoreResult run(RestoreRequest request) {
        long started = System.nanoTime();
        ProgressListener progress = request.progress();
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        boolean created = requireEmptyDestination(pgdata);
        if (request.start()) {
            requirePortFree(request.port());
        }

        progress.step("choosing a backup for " + request.target().describe());
        RestorePlan plan = new RestorePlanner(repository).plan(request.target(), request.backupId(), request.targetTimeline());
        BackupManifest manifest = repository.backups().read(plan.backup().id());
        PgBinaries binaries = request.start() ? binariesFor(manifest) : null;
        Duration planDuration = Duration.ofNanos(System.nanoTime() - started);

        progress.step("restoring backup " + manifest.id() + " (" + manifest.totals().files() + " files, "
                + String.format("%.1f MB", manifest.totals().bytes() / 1e6) + ") into " + pgdata);
        long filesStarted = System.nanoTime();
        long bytes;
        List<String> notes = new ArrayList<>(plan.notes());
        try {
            Files.createDirectories(pgdata);
            Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
            bytes = new DataFileRestorer(repository, request.jobs(), progress).restore(manifest, pgdata);
            Files.writeString(pgdata.resolve("backup_label"), manifest.backupLabel());
            if (manifest.links() != null && !manifest.links().isEmpty()) {
                // Without tablespace_map PostgreSQL uses the directories restored in pg_tblspc as they are.
                notes.add("tablespaces were restored inside the data directory (pg_tblspc/<oid>), not at their original paths");
            }
            String restoreCommand = RecoveryConfiguration.shellCommand(concat(request.lifeboatCommand(), List.of("wal-fetch"),
                    request.commandOptions(), List.of("--repo", repository.location(), "%f", "%p")));
            Map<String, String> settings = RecoveryConfiguration.settings(plan, restoreCommand, request.port(),
                    request.archiveCommand(), request.pauseAtTarget() ? "pause" : "promote", socketDirectoriesOverride(pgdata));
            RecoveryConfiguration.write(pgdata, settings, manifest.id(), repository.location());
        } catch (IOException | RuntimeException e) {
            removeQuietly(pgdata, created);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write " + pgdata + ": " + e.getMessage(), null, e);
        }
        Duration filesDuration = Duration.ofNanos(System.nanoTime() - filesStarted);
        if (!request.start()) {
            return new RestoreResult(manifest.id(), plan.target().describe(), pgdata.toString(), request.port(), false, null,
                    manifest.totals().files(), bytes, planDuration, filesDuration, null, null, null,
                    Duration.ofNanos(System.nanoTime() - started), null, notes);
        }

        progress.step("starting PostgreSQL " + binaries.version() + " on port " + request.port() + " and replaying WAL");
        Path logFile = pgdata.resolve("lifeboat-restore.log");
        ServerUser serverUser = ServerUser.detect();
        PgInstance instance = PgInstance.builder(binaries, pgdata)
                .serverUser(serverUser)
                .user(request.login().user())
                .password(request.login().password())
                .build();
        serverUser.handOver(pgdata); // before the spool is made, so that its files are the server's too
        WalPrefetcher prefetcher = startPrefetcher(request, pgdata, plan, notes);
        List<StartupProgress> phases;
        try {
            instance.start(request.port(), logFile);
            phases = instance.awaitOpenForWrites(request.startTimeout(), p -> {
                if (p.phase() == StartupPhase.RECOVERING && p.lastReplayedLsn() != null) {
                    progress.step("replayed WAL up to " + p.lastReplayedLsn());
                } else if (p.phase() != StartupPhase.RECOVERING) {
                    progress.step(p.phase().name().toLowerCase().replace('_', ' ') + " after "
                            + String.format("%.1f s", p.elapsed().toNanos() / 1e9));
                }
            });
        } finally {
            if (prefetcher != null) {
                prefetcher.close();
            }
        }
        Integer timeline = currentTimeline(instance);
        return new RestoreResult(manifest.id(), plan.target().describe(), pgdata.toString(), request.port(), true, timeline,
                manifest.totals().files(), bytes, planDuration, filesDuration,
                elapsedAt(phases, StartupPhase.ACCEPTING_CONNECTIONS), elapsedAt(phases, StartupPhase.RECOVERY_FINISHED),
                elapsedAt(phases, StartupPhase.OPEN_FOR_WRITES), Duration.ofNanos(System.nanoTime() - started),
                logFile.toString(), notes);
    }

    /**
     * Prefetching needs the launcher's fast path, which answers only restore_command's plain
     * form (no --config).
     */
    private WalPrefetcher startPrefetcher(RestoreRequest request, Path pgdata, RestorePlan plan, List<String> notes) {
        if (request.prefetch() <= 0 || !request.commandOptions().isEmpty()) {
            return null;
        }
        try {
            return WalPrefetcher.start(repository, pgdata, repository.location(), plan.replayPath(), request.prefetch(),
                    Math.min(request.prefetch(), Math.max(2, request.jobs())));
        } catch (IOException | RuntimeException e) {
            notes.add("WAL prefetching is off: " + e.getMessage());
            return null;
        }
    }

    private static Duration elapsedAt(List<StartupProgress> phases, StartupPhase phase) {
        return phases.stream().filter(p -> p.phase() == phase).map(StartupProgress::elapsed).findFirst().orElse(null);
    }

    private static Integer currentTimeline(PgInstance instance) {
        try (Connection c = instance.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
            return rs.next() ? Integer.parseInt(rs.getString(1), 16) : null;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /** True when the directory did not exist (so a failed restore removes it again). */
    private static boolean requireEmptyDestination(Path pgdata) {
        if (!Files.exists(pgdata)) {
            return true;
        }
        if (!Files.isDirectory(pgdata)) {
            throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is a file, not a directory",
                    "name a new or empty directory with --pgdata");
        }
        try (Stream<Path> entries = Files.list(pgdata)) {
            if (entries.findAny().isPresent()) {
                throw new LifeboatException(ErrorCode.DESTINATION, "restore destination " + pgdata + " is not empty",
                        "restore into a new or empty directory; Lifeboat never overwrites a data directory");
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot read restore destination " + pgdata + ": " + e.getMessage(),
                    null, e);
        }
        return false;
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
        return RecoveryConfiguration.shellCommand(concat(lifeboatCommand, List.of("wal-push"), commandOptions,
                List.of("--repo", repositoryLocation, "%p")));
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
