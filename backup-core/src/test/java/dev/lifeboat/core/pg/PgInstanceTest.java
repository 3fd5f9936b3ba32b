package dev.lifeboat.core.pg;

import dev.lifeboat.core.testing.ClusterSql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PgInstanceTest {

    /** A stopped cluster with a table in it: each test starts a copy of its data directory. */
    private static LocalCluster original;

    @BeforeAll
    static void stoppedCluster() {
        original = TestClusters.start();
        ClusterSql.execute(original, "CREATE TABLE boats (id int PRIMARY KEY);"
                + "INSERT INTO boats SELECT generate_series(1, 100)");
        original.stop();
    }

    @AfterAll
    static void deleteIt() {
        if (original != null) {
            original.close();
        }
    }

    @Test
    void aCopiedDataDirectoryStartsOnANewPortAndReportsEachPhaseInOrder() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-instance-")) {
            Path data = copyOf(original.dataDirectory(), scratch.resolve("data"));
            PgInstance instance = instance(data);
            List<StartupProgress> heard = new ArrayList<>();
            try (PortReservation port = FreePort.reserve()) {
                instance.start(port.port(), scratch.resolve("log/postgresql.log"));
                List<StartupProgress> reached = instance.awaitOpenForWrites(Duration.ofSeconds(60), heard::add);

                System.out.println("phases: " + reached);
                assertThat(reached).extracting(StartupProgress::phase).containsExactly(
                        StartupPhase.PROCESS_STARTED, StartupPhase.ACCEPTING_CONNECTIONS,
                        StartupPhase.RECOVERY_FINISHED, StartupPhase.OPEN_FOR_WRITES);
                assertThat(heard).extracting(StartupProgress::phase).containsSubsequence(
                        StartupPhase.PROCESS_STARTED, StartupPhase.OPEN_FOR_WRITES);
                assertThat(reached).extracting(StartupProgress::elapsed).isSorted();
                assertThat(instance.isRunning()).isTrue();
                assertThat(instance.pid()).isPresent();
                try (Connection connection = instance.connect();
                        Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT count(*), current_setting('port') FROM boats")) {
                    rows.next();
                    assertThat(rows.getLong(1)).isEqualTo(100);
                    assertThat(rows.getInt(2)).isEqualTo(port.port());
                }
            } finally {
                instance.stop();
            }
            assertThat(instance.isRunning()).isFalse();
        }
    }

    @Test
    void recoveryThatCannotReachItsTargetFailsFastWithTheServersFatalLine() {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-instance-")) {
            Path data = copyOf(original.dataDirectory(), scratch.resolve("data"));
            // No archive (restore_command fails: "no such file") and a target far in the future:
            // since PostgreSQL 13 the end of WAL before the target is fatal.
            PgSettings.empty()
                    .with("restore_command", "false")
                    .with("recovery_target_time", "2999-01-01 00:00:00+00")
                    .with("recovery_target_action", "promote")
                    .appendTo(data.resolve("postgresql.auto.conf"), "test: unreachable recovery target");
            Files.createFile(data.resolve("recovery.signal"));
            PgInstance instance = instance(data);
            Path log = scratch.resolve("log/postgresql.log");
            try (PortReservation port = FreePort.reserve()) {
                instance.start(port.port(), log);
                long started = System.nanoTime();
                assertThatThrownBy(() -> instance.awaitOpenForWrites(Duration.ofSeconds(60), StartupListener.NONE))
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            System.out.println(e.getMessage() + " (hint: " + e.hint() + ")");
                            assertThat(e.code()).isEqualTo(ErrorCode.RECOVERY);
                            assertThat(e.getMessage())
                                    .contains("FATAL: recovery ended before configured recovery target was reached");
                            assertThat(e.hint()).contains(log.toString());
                        });
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            } finally {
                instance.stop();
            }
            assertThat(instance.isRunning()).isFalse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void archiveRecoveryReportsTheReplayedPositionUntilItPromotes() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-instance-")) {
            Path archive = Files.createDirectory(scratch.resolve("archive"));
            TestClusters.serverUser().handOver(archive);
            String dir = "'" + archive + "'";
            try (LocalCluster primary = TestClusters.builder()
                    .archiveCommand("cp %p " + dir + "/%f.tmp && mv " + dir + "/%f.tmp " + dir + "/%f")
                    .start()) {
                // Given a copy of the primary taken while it was stopped (a cold base backup),
                primary.stop();
                Path data = copyOf(primary.dataDirectory(), scratch.resolve("restored"));
                // and WAL archived after it, three segments' worth of changes,
                primary.start();
                ClusterSql.execute(primary, "CREATE TABLE boats (id int)");
                for (int round = 1; round <= 3; round++) {
                    ClusterSql.execute(primary, "INSERT INTO boats SELECT generate_series(1, 1000)");
                    ClusterSql.execute(primary, "SELECT pg_switch_wal()");
                }
                String last = ClusterSql.queryForString(primary, "SELECT pg_walfile_name(pg_current_wal_lsn() - 1)");
                LocalClusterTest.waitFor(() -> Files.exists(archive.resolve(last)), Duration.ofSeconds(30));
                primary.stop();

                // when the copy recovers from that archive, slowly (0.3 s per file),
                PgSettings.empty()
                        .with("restore_command", "sleep 0.3; cp " + dir + "/%f %p")
                        .with("recovery_target_action", "promote")
                        .with("archive_mode", "off")
                        .appendTo(data.resolve("postgresql.auto.conf"), "test: archive recovery");
                Files.createFile(data.resolve("recovery.signal"));
                PgInstance instance = instance(data);
                List<StartupProgress> heard = new ArrayList<>();
                try (PortReservation port = FreePort.reserve()) {
                    instance.start(port.port(), scratch.resolve("restored.log"));
                    instance.awaitOpenForWrites(Duration.ofSeconds(120), heard::add);
                    System.out.println("archive recovery: " + heard);

                    // then it reports progress while replaying, and opens with every row.
                    assertThat(heard).extracting(StartupProgress::phase).containsSubsequence(
                            StartupPhase.PROCESS_STARTED, StartupPhase.ACCEPTING_CONNECTIONS,
                            StartupPhase.RECOVERING, StartupPhase.RECOVERY_FINISHED, StartupPhase.OPEN_FOR_WRITES);
                    assertThat(heard).filteredOn(progress -> progress.phase() == StartupPhase.RECOVERING)
                            .allSatisfy(progress -> assertThat(progress.lastReplayedLsn()).matches("[0-9A-F]+/[0-9A-F]+"));
                    try (Connection connection = instance.connect();
                            Statement statement = connection.createStatement();
                            ResultSet rows = statement.executeQuery("SELECT count(*) FROM boats")) {
                        rows.next();
                        assertThat(rows.getLong(1)).isEqualTo(3000);
                    }
                } finally {
                    instance.stop();
                }
            }
        }
    }

    @Test
    void aServerAlreadyRunningOnTheDataDirectoryIsRefused() {
        try (LocalCluster running = TestClusters.start()) {
            PgInstance instance = PgInstance.builder(running.binaries(), running.dataDirectory())
                    .serverUser(running.serverUser())
                    .build();
            assertThatThrownBy(() -> instance.start(running.port() + 1, running.logFile()))
                    .isInstanceOfSatisfying(LifeboatException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DESTINATION));
        }
    }

    private static PgInstance instance(Path data) {
        return PgInstance.builder(TestClusters.binaries(), data)
                .serverUser(TestClusters.serverUser())
                .setting("listen_addresses", "127.0.0.1")
                .setting("unix_socket_directories", "")
                .build();
    }

    /** Copies a data directory the way a restore lays one down: as root, files owned by root. */
    static Path copyOf(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
