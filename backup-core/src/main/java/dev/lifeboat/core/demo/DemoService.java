package dev.lifeboat.core.demo;

import dev.lifeboat.core.backup.BackupRequest;
import dev.lifeboat.core.backup.BackupResult;
import dev.lifeboat.core.backup.BackupService;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.init.InitService;
import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.pg.EmbeddedPgBinaries;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.LocalCluster;
import dev.lifeboat.core.pg.PgBinaries;
import dev.lifeboat.core.pg.PgInstallations;
import dev.lifeboat.core.pg.PgInstance;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.restore.RecoveryTarget;
import dev.lifeboat.core.restore.RestoreRequest;
import dev.lifeboat.core.restore.RestoreResult;
import dev.lifeboat.core.restore.RestoreService;
import dev.lifeboat.core.restore.WalCommandLine;
import dev.lifeboat.storage.BlobStores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The newcomer's tour, for real: a throwaway cluster archiving through Lifeboat, a backup,
 * rows written before and after a recorded moment, a point-in-time restore to that moment
 * into a new instance, and a check that exactly the rows of that moment came back.
 */
public final class DemoService {

    /** One step of the tour as it is printed. */
    public record Step(String name, double seconds, String detail) {
    }

    public record Result(boolean passed, long expectedRows, long restoredRows, String expectedChecksum, String restoredChecksum,
                         String backupId, String targetTime, String workDirectory, boolean kept, List<Step> steps) {
    }

    /**
     * @param lifeboatCommand how the cluster's archive_command and restore_command run Lifeboat
     * @param lifeboatJar     the jar that command runs (the launcher does not name it), or null when unknown
     * @param keep            leave the clusters and repository in place (stopped) for a look
     * @param pgBin           the server bin directory to use (--pg-bin), or null for LIFEBOAT_PG_BIN, else this
     *                        machine's newest server, else embedded binaries from Maven Central
     */
    public record Request(List<String> lifeboatCommand, Path lifeboatJar, boolean keep, StepListener listener, Path pgBin) {
    }

    @FunctionalInterface
    public interface StepListener {
        void onStep(Step step);
    }

    private static final int ROWS_PER_BATCH = 1000;

    private final List<Step> steps = new ArrayList<>();
    private StepListener listener;
    private long stepStarted;

    public Result run(Request request) {
        listener = request.listener();
        stepStarted = System.nanoTime();
        PgBinaries binaries = findBinaries(request.pgBin());
        ServerUser serverUser = ServerUser.detect();
        ScratchDirectory work = ScratchDirectory.create("lifeboat-demo-");
        LocalCluster source = null;
        Connection sourceConnection = null;
        PgInstance restoredInstance = null;
        boolean passed = false;
        try {
            Path repoDir = Files.createDirectories(work.resolve("repository"));
            serverUser.handOver(repoDir); // archive_command runs as the server's user and writes here
            List<String> lifeboat = ReachableLifeboat.forServer(request.lifeboatCommand(), request.lifeboatJar(), work.path(), serverUser);
            String archiveCommand = WalCommandLine.archiveCommand(lifeboat, List.of(), repoDir.toString());

            try (PortReservation port = FreePort.reserve()) {
                int sourcePort = port.port();
                port.close();
                source = LocalCluster.builder().binaries(binaries).serverUser(serverUser).baseDirectory(work.resolve("source"))
                        .port(sourcePort).archiveCommand(archiveCommand).fsync(false).start();
            }
            done("start a throwaway PostgreSQL " + binaries.version() + " cluster",
                    "port " + source.port() + ", archive_command = '" + archiveCommand + "'");

            sourceConnection = source.connect();
            Statement sourceSql = sourceConnection.createStatement();
            ConnectionSettings sourceLogin = ConnectionSettings.local(source.port());
            new InitService(Clock.systemUTC()).run(BlobStores.open(repoDir.toString()),
                    new InitService.Request(source.dataDirectory(), sourceLogin, 3));
            done("lifeboat init", "repository " + repoDir);

            sourceSql.execute("CREATE TABLE demo_orders (id bigint PRIMARY KEY, item text NOT NULL, placed_at timestamptz DEFAULT clock_timestamp())");
            insertBatch(sourceSql, 1);
            done("write " + ROWS_PER_BATCH + " rows", "table demo_orders");

            BackupResult backup;
            try (Repository repository = Repository.open(BlobStores.open(repoDir.toString()))) {
                backup = new BackupService(repository, Clock.systemUTC()).run(
                        BackupRequest.builder(source.dataDirectory(), sourceLogin).type(BackupType.FULL).jobs(2).build());
            }
            done("lifeboat backup", backup.backupId() + ", " + backup.files() + " files, "
                    + String.format("%.1f MB", backup.bytes() / 1e6) + ", WAL " + backup.startWalFile() + ".." + backup.stopWalFile());

            insertBatch(sourceSql, 2);
            sourceSql.execute("SELECT pg_switch_wal()");
            insertBatch(sourceSql, 3);
            Instant target = Instant.parse(singleText(sourceSql,
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            long expectedRows = single(sourceSql, "SELECT count(*) FROM demo_orders");
            String expectedChecksum = singleText(sourceSql, CHECKSUM);
            done("write " + (2 * ROWS_PER_BATCH) + " more rows while WAL is archived, then record the time",
                    "target " + RecoveryTarget.formatForPostgres(target) + ": " + expectedRows + " rows");

            sleepQuietly(50);
            insertBatch(sourceSql, 4);
            sourceSql.execute("UPDATE demo_orders SET item = 'changed after the target' WHERE id % 10 = 0");
            sourceSql.execute("DELETE FROM demo_orders WHERE id <= 100");
            String lastSegment = singleText(sourceSql, "SELECT pg_walfile_name(pg_current_wal_lsn())");
            sourceSql.execute("SELECT pg_switch_wal()");
            waitForArchive(repoDir, lastSegment);
            long laterRows = single(sourceSql, "SELECT count(*) FROM demo_orders");
            done("write, update and delete after the target (the 'bad migration'); archive the WAL",
                    "now " + laterRows + " rows; " + lastSegment + " archived");

            RestoreResult restored;
            Path restoredData = work.resolve("restored");
            restoredInstance = PgInstance.builder(binaries, restoredData).serverUser(serverUser).build();
            try (Repository repository = Repository.open(BlobStores.open(repoDir.toString()));
                 PortReservation port = FreePort.reserve()) {
                int restorePort = port.port();
                port.close();
                restored = new RestoreService(repository).run(RestoreRequest.builder(restoredData).port(restorePort)
                        .target(new RecoveryTarget.Time(target)).lifeboat(lifeboat, List.of()).login(ConnectionSettings.local(restorePort))
                        .startTimeout(Duration.ofMinutes(10)).jobs(2).prefetch(4).pgBin(binaries.binDirectory()).build());
            }
            done("lifeboat restore --target-time '" + RecoveryTarget.formatForPostgres(target) + "'",
                    String.format("new instance on port %d open for writes: files %.1f s, recovery %.1f s, total %.1f s",
                            restored.port(), restored.filesDuration().toNanos() / 1e9,
                            restored.toOpenForWrites().toNanos() / 1e9, restored.totalDuration().toNanos() / 1e9));

            long restoredRows;
            String restoredChecksum;
            ConnectionSettings restoredLogin = ConnectionSettings.local(restored.port());
            try (Connection c = DriverManager.getConnection(restoredLogin.jdbcUrl(), "postgres", null);
                 Statement st = c.createStatement()) {
                restoredRows = single(st, "SELECT count(*) FROM demo_orders");
                restoredChecksum = singleText(st, CHECKSUM);
                st.execute("INSERT INTO demo_orders (id, item) VALUES (-1, 'written on the restored instance')");
            }
            passed = restoredRows == expectedRows && expectedChecksum.equals(restoredChecksum);
            done("compare the restored rows with the rows at the target",
                    (passed ? "identical: " : "DIFFERENT: ") + restoredRows + " rows restored, " + expectedRows + " expected"
                            + (expectedChecksum.equals(restoredChecksum) ? ", contents match" : ", contents differ"));

            return new Result(passed, expectedRows, restoredRows, expectedChecksum, restoredChecksum, backup.backupId(),
                    RecoveryTarget.formatForPostgres(target), work.path().toString(), request.keep(), List.copyOf(steps));
        } catch (IOException | SQLException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "demo failed: " + e.getMessage(), null, e);
        } finally {
            if (restoredInstance != null) {
                try {
                    restoredInstance.stop();
                } catch (RuntimeException ignored) {
                    // the work directory goes anyway
                }
            }
            closeQuietly(sourceConnection);
            stopQuietly(source);
            if (!request.keep()) {
                work.close();
            }
        }
    }

    /** An md5 over every row in key order: equal checksums mean equal contents. */
    private static final String CHECKSUM =
            "SELECT md5(coalesce(string_agg(id || ':' || item || ':' || placed_at, ',' ORDER BY id), '')) FROM demo_orders";

    private void insertBatch(Statement sql, int batch) throws SQLException {
        long first = (long) (batch - 1) * ROWS_PER_BATCH + 1;
        long last = (long) batch * ROWS_PER_BATCH;
        // Ten transactions per batch, so recovery has commits to stop between.
        for (long from = first; from <= last; from += ROWS_PER_BATCH / 10) {
            sql.execute("INSERT INTO demo_orders (id, item) SELECT g, 'item ' || g FROM generate_series(" + from + ", "
                    + Math.min(last, from + ROWS_PER_BATCH / 10 - 1) + ") g");
        }
    }

    private PgBinaries findBinaries(Path pgBin) {
        Optional<PgBinaries> chosen = PgInstallations.onThisMachine(pgBin).explicit();
        if (chosen.isPresent()) {
            done("find PostgreSQL server binaries", chosen.get().binDirectory().toString());
            return chosen.get();
        }
        Optional<PgBinaries> local = PgBinaries.findLocal();
        if (local.isPresent()) {
            done("find PostgreSQL server binaries", local.get().binDirectory().toString());
            return local.get();
        }
        EmbeddedPgBinaries embedded = EmbeddedPgBinaries.inDefaultCache();
        PgBinaries fetched = embedded.obtain(EmbeddedPgBinaries.DEFAULT_VERSION);
        done("no local PostgreSQL: use embedded binaries from Maven Central", fetched.binDirectory().toString());
        return fetched;
    }

    private static void waitForArchive(Path repoDir, String segment) {
        try (Repository repository = Repository.open(BlobStores.open(repoDir.toString()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (repository.wal().find(segment).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new LifeboatException(ErrorCode.TIMEOUT, "WAL segment " + segment + " was not archived within 60 s",
                            "see the demo cluster's server log");
                }
                sleepQuietly(100);
            }
        }
    }

    private void done(String name, String detail) {
        long now = System.nanoTime();
        Step step = new Step(name, (now - stepStarted) / 1e9, detail);
        stepStarted = now;
        steps.add(step);
        if (listener != null) {
            listener.onStep(step);
        }
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String singleText(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the server stops next anyway
            }
        }
    }

    private static void stopQuietly(LocalCluster cluster) {
        if (cluster != null) {
            try {
                cluster.stop();
            } catch (RuntimeException ignored) {
                // the work directory goes anyway
            }
        }
    }
}
