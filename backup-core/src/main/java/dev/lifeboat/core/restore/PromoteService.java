package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstallations;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.pg.StartupPhase;
import dev.lifeboat.core.pg.StartupProgress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Promotes a warm standby (started by {@code restore --standby}) into a primary and reports
 * when it takes writes: the failover step of a standby kept in another region.
 */
public final class PromoteService {

    /**
     * @param pgdata  the standby's data directory
     * @param login   how to log in to it (port ignored: the running server's is used)
     * @param timeout how long to wait until it takes writes
     * @param pgBin   the server bin directory the user named (--pg-bin), or null for LIFEBOAT_PG_BIN or the search
     *                for the standby's major version
     */
    public record Request(Path pgdata, ConnectionSettings login, Duration timeout, ProgressListener progress, Path pgBin) {
    }

    /**
     * @param lastReplayedLsn where replay ended before the promotion
     * @param timeline        the new timeline it writes on
     * @param toPromoted      from the request until recovery ended
     * @param toOpenForWrites from the request until a write succeeded
     */
    public record Result(String pgdata, int port, String lastReplayedLsn, Integer timeline, Duration toPromoted,
                         Duration toOpenForWrites) {
    }

    public Result run(Request request) {
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        PgBinaries binaries = binariesFor(pgdata, request.pgBin());
        PgInstance instance = PgInstance.builder(binaries, pgdata)
                .serverUser(ServerUser.detect())
                .user(request.login().user())
                .password(request.login().password())
                .build();
        Path log = pgdata.resolve(RestoreService.LOG_FILE_NAME);
        request.progress().step("promoting the standby on " + pgdata);
        List<StartupProgress> phases = instance.promote(Files.exists(log) ? log : null, request.timeout(), p -> {
            if (p.phase() == StartupPhase.RECOVERY_FINISHED || p.phase() == StartupPhase.OPEN_FOR_WRITES) {
                request.progress().step(p.phase().name().toLowerCase().replace('_', ' ') + " after "
                        + String.format("%.1f s", p.elapsed().toNanos() / 1e9));
            }
        });
        RestoreService.removeServerKeyFile(pgdata); // promoted: restore_command runs no more
        StartupProgress finished = phases.stream().filter(p -> p.phase() == StartupPhase.RECOVERY_FINISHED).findFirst().orElse(null);
        StartupProgress open = phases.stream().filter(p -> p.phase() == StartupPhase.OPEN_FOR_WRITES).findFirst().orElse(null);
        return new Result(pgdata.toString(), instance.port(), finished == null ? null : finished.lastReplayedLsn(), RestoredInstanceWait.currentTimeline(instance),
                finished == null ? null : finished.elapsed(), open == null ? null : open.elapsed());
    }

    private static PgBinaries binariesFor(Path pgdata, Path pgBin) {
        int major;
        try {
            major = Integer.parseInt(Files.readString(pgdata.resolve("PG_VERSION")).strip());
        } catch (IOException | NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, pgdata + " is not a PostgreSQL data directory (no readable PG_VERSION)",
                    "pass the standby's data directory with --pgdata");
        }
        return PgInstallations.onThisMachine(pgBin).forMajorVersion(major, pgdata.toString());
    }
}
