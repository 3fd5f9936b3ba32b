package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.repo.ArchivedWal;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Half a minute of pgbench with archive_command through bin/lifeboat wal-push and the agent
 * running: archiving keeps up (the ready backlog stays small), the agent's memory stays under
 * the bound Lifeboat promises, every archived segment reads back with a valid checksum and
 * without a gap, and after a clean shutdown a restore to latest holds exactly the source's rows.
 */
@RunsAlone
class AgentUnderLoadIT {

    /** Ready files allowed to wait at any moment: a few segments in flight, never a growing backlog. */
    private static final int BACKLOG_BOUND = 10;
    /**
     * The agent's peak RSS promised in the README: 128 MB, whatever the load, with the JVM options
     * bin/lifeboat gives it. (bench/wal-archive.sh measures it draining a backlog of 65 segments.)
     */
    private static final long AGENT_PEAK_RSS_BOUND = 128_000_000;

    @Test
    void archivingKeepsUpUnderHalfAMinuteOfLoadAndTheRestoreEqualsTheSource() throws Exception {
        Optional<Path> pgbench = TestClusters.binaries().findTool("pgbench");
        assumeTrue(pgbench.isPresent(), "pgbench is not installed with these server binaries");
        try (ArchivingCluster source = ArchivingCluster.start(); AgentProcess agent = source.startAgent()) {
            String port = Integer.toString(source.port());
            Lifeboat.Run init = Lifeboat.exec(List.of(pgbench.get().toString(), "-i", "-s", "10", "-q", "-h", "127.0.0.1", "-p", port,
                    "-U", "postgres", "postgres"), Map.of(), null);
            assertThat(init.exitCode()).as(init.toString()).isZero();
            Lifeboat.Run backup = source.backup();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            String firstSegment = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");

            Process load = new ProcessBuilder(pgbench.get().toString(), "-T", "30", "-c", "4", "-h", "127.0.0.1", "-p", port,
                    "-U", "postgres", "postgres").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int maxReady = 0;
            while (load.isAlive()) {
                maxReady = Math.max(maxReady, readyFiles(source));
                ArchivingCluster.sleep(250);
            }
            assertThat(load.exitValue()).isZero();
            String lastSegment = source.switchAndWaitForArchive();
            assertThat(maxReady).as("most WAL files waiting to be archived at once; agent log:\n" + agent.log())
                    .isLessThanOrEqualTo(BACKLOG_BOUND);
            assertThat(agent.log()).doesNotContain("cannot archive");
            assertThat(agent.peakResidentBytes()).as("the agent's peak RSS (VmHWM) after pgbench -i and half a minute of load")
                    .isLessThanOrEqualTo(AGENT_PEAK_RSS_BOUND);

            String expected = ClusterSql.queryForString(source.cluster(), BackupUnderLoadIT.CONTENTS);
            source.cluster().stop();
            assertThat(agent.stop()).as(agent.log()).isZero();
            assertThat(agent.log()).contains("stopped");

            long segments = everySegmentReadsBackVerified(source, firstSegment, lastSegment);
            assertThat(segments).as("segments archived during the load").isGreaterThan(5);
            Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString());
            assertThat(check.exitCode()).as(check.toString()).isZero();

            int restoredPort = freePort();
            Lifeboat.Run restore = source.restore(source.newDirectory("latest"), restoredPort, "--target", "latest");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(ArchivingCluster.query(restoredPort, BackupUnderLoadIT.CONTENTS)).isEqualTo(expected);
            assertThat(ArchivingCluster.query(restoredPort, BackupUnderLoadIT.INVARIANT)).isEqualTo("t");
        }
    }

    /** Reads every archived segment from first to last back, checked against its SHA-256, and counts them. */
    private static long everySegmentReadsBackVerified(ArchivingCluster source, String first, String last) throws IOException {
        Path scratch = Files.createDirectories(source.scratch().resolve("read-back"));
        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()))) {
            List<ArchivedWal> segments;
            try (Stream<ArchivedWal> all = repository.wal().list("00000001")) {
                segments = all.filter(w -> w.fileName().length() == 24).toList();
            }
            long inRange = 0;
            long expectedNumber = Long.parseLong(first.substring(16), 16);
            for (ArchivedWal wal : segments) {
                if (wal.fileName().compareTo(first) < 0 || wal.fileName().compareTo(last) > 0) {
                    continue;
                }
                assertThat(Long.parseLong(wal.fileName().substring(16), 16)).as("no gap before " + wal.fileName())
                        .isEqualTo(expectedNumber++);
                assertThat(repository.wal().findAll(wal.fileName())).hasSize(1);
                repository.wal().fetch(wal, scratch.resolve(wal.fileName()));
                assertThat(Files.size(scratch.resolve(wal.fileName()))).isEqualTo(16L << 20);
                Files.delete(scratch.resolve(wal.fileName()));
                inRange++;
            }
            assertThat(segments).extracting(ArchivedWal::fileName).contains(first, last);
            return inRange;
        }
    }

    private static int readyFiles(ArchivingCluster source) {
        try (Stream<Path> files = Files.list(source.dataDirectory().resolve("pg_wal/archive_status"))) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".ready")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
