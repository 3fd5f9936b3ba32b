/**
 * Running PostgreSQL server processes: finding the binaries ({@link dev.lifeboat.core.pg.PgBinaries},
 * those of one major version: {@link dev.lifeboat.core.pg.PgInstallations},
 * {@link dev.lifeboat.core.pg.EmbeddedPgBinaries}), deciding who runs them
 * ({@link dev.lifeboat.core.pg.ServerUser}), creating a throwaway cluster
 * ({@link dev.lifeboat.core.pg.LocalCluster}), starting an existing data directory and following it
 * until it takes writes ({@link dev.lifeboat.core.pg.PgInstance}), and picking ports
 * ({@link dev.lifeboat.core.pg.FreePort}).
 *
 * <p>Used by the test fixture ({@code dev.lifeboat.core.testing} in the test-jar),
 * {@code lifeboat demo}, {@code lifeboat restore --start} and restore drills. Every failure a
 * user can meet is a {@link dev.lifeboat.core.error.LifeboatException} that quotes the server's
 * own FATAL lines where there are some.
 */
package dev.lifeboat.core.pg;
