package dev.lifeboat.cli.command;

import dev.lifeboat.core.pg.PgBinChoice;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Which PostgreSQL server binaries a command that starts a server (restore, drill, demo,
 * promote) runs. Unset, the core finds those of the backup's major version
 * ({@code PgInstallations}); LIFEBOAT_PG_BIN sets it as every LIFEBOAT_* variable does.
 */
public final class PgBinOption {

    @Option(names = "--pg-bin", paramLabel = "DIR",
            description = {"PostgreSQL server bin directory (initdb, pg_ctl, postgres) to run; it must be of the backup's major",
                    "version (env LIFEBOAT_PG_BIN). Default: /usr/lib/postgresql/N/bin, /usr/pgsql-N/bin, pg_config --bindir,",
                    "then the PATH, each checked with postgres --version."})
    Path pgBin;

    @Option(names = "--download-pg",
            description = {"When no server of the backup's major version is found, download its embedded binaries from Maven Central",
                    "(io.zonky.test.postgres, checksum-verified) into Lifeboat's cache (env LIFEBOAT_CACHE_DIR) and use them."})
    boolean downloadPg;

    /** The directory given, or null to let the core search. */
    Path directory() {
        return pgBin;
    }

    /** The directory given (or the search), and whether the search may end in a download. */
    PgBinChoice choice() {
        return new PgBinChoice(pgBin, downloadPg);
    }
}
