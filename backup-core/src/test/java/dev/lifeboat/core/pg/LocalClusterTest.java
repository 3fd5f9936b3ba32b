package dev.lifeboat.core.pg;

import dev.lifeboat.core.testing.ClusterSql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestClusters;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

    @Test
    void aThrowawayClusterRunsSqlArchivesWalAndLeavesNothingBehind() throws Exception {
        try (ScratchDirectory scratch = ScratchDirectory.create("lifeboat-archive-")) {
            Path archive = Files.createDirectory(scratch.resolve("archive"));
            TestClusters.serverUser().handOver(archive);
            String dir = "'" + archive + "'";

            LocalCluster.Builder builder = TestClusters.builder()
                    // Copy, then rename: the segment appears complete or not at all.
                    .archiveCommand("test ! -f " + dir + "/%f && cp %p " + dir + "/%f.tmp"
                            + " && echo \"$LIFEBOAT_PROBE\" > " + dir + "/probe.txt"
                            + " && mv " + dir + "/%f.tmp " + dir + "/%f")
                    .environment(Map.of("LIFEBOAT_PROBE", "from the test"));
            long t0 = System.nanoTime();
            LocalCluster cluster = builder.create();
            long t1 = System.nanoTime();
            Path base = cluster.baseDirectory();
            try (cluster) {
                cluster.start();
                long t2 = System.nanoTime();

                // Given a cluster that runs as the unprivileged server user on loopback,
                assertThat(cluster.isRunning()).isTrue();
                if (ServerUser.isRoot()) {
                    assertThat(Files.getOwner(cluster.dataDirectory()).getName())
                            .isEqualTo(TestClusters.serverUser().userName());
                }
                try (Connection connection = cluster.connect()) {
                    assertThat(connection.getMetaData().getDatabaseMajorVersion())
                            .isEqualTo(cluster.binaries().majorVersion());
                }
                assertThat(ClusterSql.queryForString(cluster, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(ClusterSql.queryForString(cluster, "SHOW wal_level")).isEqualTo("replica");
                assertThat(ClusterSql.queryForString(cluster, "SHOW archive_mode")).isEqualTo("on");
                assertThat(ClusterSql.queryForString(cluster, "SHOW fsync")).isEqualTo("off");

                // when rows are written and the WAL segment is switched,
                ClusterSql.execute(cluster, "CREATE TABLE boats (id int PRIMARY KEY, name text);"
                        + "INSERT INTO boats SELECT g, 'boat ' || g FROM generate_series(1, 1000) g");
                assertThat(ClusterSql.queryForLong(cluster, "SELECT count(*) FROM boats")).isEqualTo(1000);
                String segment = ClusterSql.queryForString(cluster, "SELECT pg_walfile_name(pg_current_wal_lsn())");
                ClusterSql.execute(cluster, "SELECT pg_switch_wal()");

                // then the segment shows up in the archive, copied by the server user's archive_command
                // with the environment the test gave it.
                Path archived = archive.resolve(segment);
                waitFor(() -> Files.exists(archived), Duration.ofSeconds(30));
                assertThat(Files.size(archived)).isEqualTo(16L * 1024 * 1024);
                assertThat(Files.readString(archive.resolve("probe.txt")).strip()).isEqualTo("from the test");

                long t3 = System.nanoTime();
                cluster.stop();
                long t4 = System.nanoTime();
                assertThat(cluster.isRunning()).isFalse();
                cluster.start();
                long t5 = System.nanoTime();
                assertThat(ClusterSql.queryForLong(cluster, "SELECT count(*) FROM boats")).isEqualTo(1000);
                cluster.stop();
                System.out.printf("PostgreSQL %s %s: initdb+config %d ms, start %d ms, stop %d ms, restart %d ms%n",
                        cluster.binaries().version(), cluster.serverUser(), ms(t1 - t0), ms(t2 - t1), ms(t4 - t3), ms(t5 - t4));
            }
            assertThat(base).doesNotExist();
        }
    }

    @Test
    void settingsAreReadBackExactlyEvenWithQuotesAndBackslashes() {
        String tricky = "it's a \\path\\ with 'quotes' and %p";
        try (LocalCluster cluster = TestClusters.builder().setting("lifeboat.probe", tricky).start()) {
            assertThat(ClusterSql.queryForString(cluster, "SHOW lifeboat.probe")).isEqualTo(tricky);
        }
    }

    @Test
    void withoutAServerUserRootRunsTheClusterInAUserNamespace() {
        assumeTrue(ServerUser.isRoot(), "only root needs the fallback");
        try (LocalCluster cluster = TestClusters.builder().serverUser(ServerUser.userNamespace()).start()) {
            assertThat(ClusterSql.queryForLong(cluster, "SELECT 6 * 7")).isEqualTo(42);
            assertThat(cluster.serverUser().mode()).isEqualTo(ServerUser.Mode.USER_NAMESPACE);
        }
    }

    @Test
    void aBadSettingFailsTheStartWithTheServersOwnWords() {
        LocalCluster cluster = TestClusters.builder().setting("shared_buffers", "lots").create();
        try (cluster) {
            assertThatThrownBy(cluster::start)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        System.out.println(e.getMessage());
                        assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES);
                        assertThat(e.getMessage()).contains("FATAL:").contains("postgresql.conf");
                        assertThat(e.hint()).contains(cluster.logFile().toString());
                    });
            assertThat(cluster.isRunning()).isFalse();
        }
    }

    @Test
    void aPortInUseIsRefusedBeforeTheServerTries() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            try (LocalCluster cluster = TestClusters.builder().port(taken.getLocalPort()).create()) {
                assertThatThrownBy(cluster::start)
                        .isInstanceOfSatisfying(LifeboatException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.DESTINATION);
                            assertThat(e.getMessage()).contains("port " + taken.getLocalPort() + " is in use");
                        });
            }
        }
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    static void waitFor(Condition condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
