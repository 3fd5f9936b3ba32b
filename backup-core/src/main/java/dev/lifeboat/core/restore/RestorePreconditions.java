package dev.lifeboat.core.restore;

import dev.lifeboat.core.pg.PgBinChoice;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstallations;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.Repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What must hold before a restore writes anything: a free destination and port, settings that
 * leave Lifeboat's alone, and server binaries and a server user that can run the backup. Each
 * refusal is one line naming the problem, with a hint.
 */
final class RestorePreconditions {

    private final Repository repository;

    RestorePreconditions(Repository repository) {
        this.repository = repository;
    }

    /** What the request alone decides: the destination, the port, the settings, a standby's target. */
    void beforePlanning(RestoreRequest request) {
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
    }

    /** What the chosen backup decides, for a restore that starts the instance: the binaries and what the server must reach. */
    void afterPlanning(RestorePlan plan, RestoreRequest request) {
        tablespacePlacements(plan.backup(), request);
        if (request.start()) {
            binariesFor(plan.backup(), request.pgBin());
            requireServerCanRunLifeboat(ServerUser.detect(), request.lifeboatCommand());
        }
    }

    /**
     * Where the backup's tablespaces go, each directory checked: refused (before anything is
     * written) when a remap names no tablespace of the backup, or a directory is not free or
     * not usable by the server.
     */
    List<TablespacePlacement> tablespacePlacements(BackupManifest backup, RestoreRequest request) {
        List<TablespacePlacement> placements = TablespacePlacement.plan(backup.id(), backup.tablespaceList(),
                request.tablespaceMap(), request.effectiveTablespaceHome());
        TablespaceDestinations.require(placements, request.pgdata().toAbsolutePath().normalize(), localRepositoryDirectory(),
                request.start() ? ServerUser.detect() : null);
        return placements;
    }

    /** Refuses a destination that is a file, not empty, or left by an interrupted restore; a missing one is fine. */
    static void requireEmptyDestination(Path pgdata) {
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

    /** The server binaries of the backup's major version: those named by --pg-bin or LIFEBOAT_PG_BIN, else found. */
    static PgBinaries binariesFor(BackupManifest manifest, PgBinChoice pgBin) {
        return PgInstallations.onThisMachine(pgBin).forMajorVersion(manifest.pgMajor(), "backup " + manifest.id());
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
}
