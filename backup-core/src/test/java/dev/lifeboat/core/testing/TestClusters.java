package dev.lifeboat.core.testing;

import dev.lifeboat.core.pg.EmbeddedPgBinaries;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.ServerUser;
import java.nio.file.Path;

/**
 * Throwaway PostgreSQL clusters for tests that manage the lifecycle themselves (for one per
 * test class, see {@link ThrowawayCluster}).
 *
 * <pre>{@code
 * try (LocalCluster pg = TestClusters.builder().archiveCommand("cp %p /x/%f").start()) { ... }
 * }</pre>
 *
 * <p>The server binaries are this machine's ({@link PgBinaries#locate()}), or, with
 * {@code -Dlifeboat.test.pgVersion=17.11.0}, an embedded bundle of that version from Maven
 * Central (cached in {@code LIFEBOAT_CACHE_DIR} or {@code <tmp>/lifeboat-test-cache}), to run
 * the suite against another major version. When there is no server the tests fail, naming
 * what to install: a skipped database test would hide a broken CI.
 */
public final class TestClusters {

    /** The system property that picks an embedded PostgreSQL version for the tests. */
    public static final String VERSION_PROPERTY = "lifeboat.test.pgVersion";

    private static PgBinaries binaries;
    private static ServerUser serverUser;

    private TestClusters() {
    }

    /** The server binaries the tests use, found once per JVM. */
    public static synchronized PgBinaries binaries() {
        if (binaries == null) {
            String version = System.getProperty(VERSION_PROPERTY, "");
            binaries = version.isBlank() ? PgBinaries.locate() : EmbeddedPgBinaries.inCache(cacheDirectory()).obtain(version);
        }
        return binaries;
    }

    /** Who runs the test servers ({@code postgres} when the tests run as root), decided once per JVM. */
    public static synchronized ServerUser serverUser() {
        if (serverUser == null) {
            serverUser = ServerUser.detect();
        }
        return serverUser;
    }

    /**
     * A builder with the test defaults: a new scratch directory and a free port, fsync off,
     * wal_level = replica, archive_mode = on with archive_command = 'true' (segments count as
     * archived and are recycled). Override any of them before {@code start()}.
     */
    public static LocalCluster.Builder builder() {
        return LocalCluster.builder()
                .binaries(binaries())
                .serverUser(serverUser())
                .fsync(false)
                .archiveCommand("true");
    }

    /** A started cluster with the test defaults; close it to stop it and delete its files. */
    public static LocalCluster start() {
        return builder().start();
    }

    /** Where embedded bundles are cached: somewhere the server user can reach, unlike /root. */
    public static Path cacheDirectory() {
        String explicit = System.getenv(EmbeddedPgBinaries.CACHE_ENV);
        return explicit != null && !explicit.isBlank()
                ? Path.of(explicit)
                : Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-test-cache");
    }
}
