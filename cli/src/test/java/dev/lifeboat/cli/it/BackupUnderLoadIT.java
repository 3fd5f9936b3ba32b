package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A backup taken while pgbench writes restores to a consistent instance: at the end of the
 * backup pgbench's own invariant holds (every balance sum equals the history's), and at a
 * later target every table equals the source's contents at that moment.
 */
class BackupUnderLoadIT {

    static final String CONTENTS = "SELECT md5(string_agg(t, '|' ORDER BY t)) FROM ("
            + " SELECT 'a' || aid || ':' || abalance AS t FROM pgbench_accounts"
            + " UNION ALL SELECT 't' || tid || ':' || tbalance FROM pgbench_tellers"
            + " UNION ALL SELECT 'b' || bid || ':' || bbalance FROM pgbench_branches"
            + " UNION ALL SELECT 'h' || count(*) || ':' || coalesce(sum(delta), 0) FROM pgbench_history) rows";

    static final String INVARIANT = "SELECT (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"
            + " AND (SELECT sum(tbalance) FROM pgbench_tellers) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history)"
            + " AND (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history)";

    @Test
    void aBackupTakenUnderLoadRestoresConsistently() throws Exception {
        Optional<Path> pgbench = TestClusters.binaries().findTool("pgbench");
        assumeTrue(pgbench.isPresent(), "pgbench is not installed with these server binaries");
        try (ArchivingCluster source = ArchivingCluster.start()) {
            String port = Integer.toString(source.port());
            Lifeboat.Run init = Lifeboat.exec(List.of(pgbench.get().toString(), "-i", "-s", "5", "-q", "-h", "127.0.0.1", "-p", port,
                    "-U", "postgres", "postgres"), Map.of(), null);
            assertThat(init.exitCode()).as(init.toString()).isZero();

            Process load = new ProcessBuilder(pgbench.get().toString(), "-T", "300", "-c", "4", "-h", "127.0.0.1", "-p", port,
                    "-U", "postgres", "postgres").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                ArchivingCluster.sleep(2000);
                Lifeboat.Run backup = source.backup();
                assertThat(backup.exitCode()).as(backup.toString()).isZero();
                assertThat(load.isAlive()).as("pgbench was still writing when the backup ended").isTrue();
            } finally {
                load.destroy();
                load.waitFor();
            }

            String target = ClusterSql.queryForString(source.cluster(), "SELECT pg_current_wal_lsn()");
            String expected = ClusterSql.queryForString(source.cluster(), CONTENTS);
            Lifeboat.Run more = Lifeboat.exec(List.of(pgbench.get().toString(), "-t", "200", "-c", "2", "-h", "127.0.0.1", "-p", port,
                    "-U", "postgres", "postgres"), Map.of(), null);
            assertThat(more.exitCode()).as(more.toString()).isZero();
            source.switchAndWaitForArchive();

            int immediatePort = freePort();
            Path immediate = source.newDirectory("immediate");
            Lifeboat.Run atBackupEnd = source.restore(immediate, immediatePort, "--target", "immediate");
            assertThat(atBackupEnd.exitCode()).as(atBackupEnd.toString()).isZero();
            assertThat(ArchivingCluster.query(immediatePort, INVARIANT)).isEqualTo("t");
            source.stopRestored(immediate);

            int targetPort = freePort();
            Path atTarget = source.newDirectory("at-target");
            Lifeboat.Run restore = source.restore(atTarget, targetPort, "--target-lsn", target);
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(ArchivingCluster.query(targetPort, CONTENTS)).isEqualTo(expected);
            assertThat(ArchivingCluster.query(targetPort, INVARIANT)).isEqualTo("t");
            source.stopRestored(atTarget);
        }
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
