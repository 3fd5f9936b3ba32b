package dev.lifeboat.core.pg;

import java.nio.file.Path;

/**
 * How a command that starts a server gets its binaries: the bin directory the user named
 * ({@code --pg-bin}), or null to search this machine ({@link PgInstallations}); and whether
 * the search may end by downloading the embedded binaries of the needed major version from
 * Maven Central ({@code --download-pg}) when it finds none.
 */
public record PgBinChoice(Path directory, boolean download) {

    /** Search this machine (LIFEBOAT_PG_BIN first), never download. */
    public static PgBinChoice search() {
        return new PgBinChoice(null, false);
    }

    /** The directory the user named, or the search when it is null; never download. */
    public static PgBinChoice of(Path directory) {
        return new PgBinChoice(directory, false);
    }
}
