package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.ServerUser;
import dev.lifeboat.core.testing.TestClusters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.lifeboat.cli.it.BadInputIT.assertFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The repository's disk fills up: a backup fails with one line saying so and a hint to free
 * space, leaves the repository as it was, and once space is freed the next backup works and
 * archiving catches up. The disk is a small tmpfs mounted over the repository (needs root, as
 * CI has).
 */
class FullDiskIT {

    @Test
    void aBackupIntoAFullRepositoryFailsCleanlyAndTheNextOneWorksOnceSpaceIsFreed() throws Exception {
        assumeTrue(ServerUser.isRoot(), "mounting a small disk needs root");
        try (ArchivingCluster source = ArchivingCluster.startWithoutInit()) {
            Path repository = source.repository();
            assumeTrue(run(List.of("mount", "-t", "tmpfs", "-o", "size=48m,mode=0755", "tmpfs", repository.toString())) == 0,
                    "cannot mount a tmpfs here");
            try {
                TestClusters.serverUser().handOver(repository);
                Lifeboat.Run init = Lifeboat.run("init", "--repo", repository.toString(), "--pgdata", source.dataDirectory().toString(),
                        "--pg-port", Integer.toString(source.port()));
                assertThat(init.exitCode()).as(init.toString()).isZero();
                ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS m FROM generate_series(1, 200000) g");
                assertThat(source.backup().exitCode()).isZero();
                source.switchAndWaitForArchive();
                waitUntilNothingIsLeftToArchive(source); // the backup history file comes after the segment

                Path filler = repository.resolve("filler");
                fillUntilFull(filler);
                Map<String, String> before = RepositorySnapshot.of(repository);

                Lifeboat.Run full = source.backup();

                assertFailure(full, 8, "no space left on device", "disk or quota is full");
                assertThat(RepositorySnapshot.of(repository)).as("the repository after the failed backup").isEqualTo(before);

                Files.delete(filler);
                ClusterSql.execute(source.cluster(), "INSERT INTO t SELECT g, md5(g::text) FROM generate_series(200001, 210000) g");
                Lifeboat.Run again = source.backup();
                assertThat(again.exitCode()).as(again.toString()).isZero();
                source.switchAndWaitForArchive();
                Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repository.toString());
                assertThat(verify.exitCode()).as(verify.toString()).isZero();
            } finally {
                run(List.of("umount", "-l", repository.toString()));
            }
        }
    }

    /** Writes zeros into {@code file} until the disk refuses, then gives back a few KiB for small writes (locks). */
    private static void fillUntilFull(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).toLowerCase(Locale.ROOT).contains("no space")) {
                throw full;
            }
        }
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size - 128 * 1024);
        }
    }

    private static void waitUntilNothingIsLeftToArchive(ArchivingCluster source) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!"0".equals(ClusterSql.queryForString(source.cluster(), 
                "SELECT count(*) FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'"))) {
            assertThat(System.nanoTime()).as("WAL still waiting to be archived after 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
