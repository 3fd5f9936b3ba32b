package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static dev.lifeboat.storage.s3.LocalS3Server.US_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * replicate from one region to another, killed in the middle of a backup and run again: the
 * target never shows a half-copied backup, and ends holding exactly the source's objects, byte
 * for byte (compared by SHA-256); a further run copies nothing.
 */
class ReplicateIT {

    private static final String PREFIX = "replicate/" + UUID.randomUUID();

    private static S3Regions regions;
    private static ConfiguredCluster source;
    private static String eu;
    private static String us;

    @BeforeAll
    static void aBackupInTheFirstRegion() {
        regions = S3Regions.start();
        eu = regions.uri(EU_BUCKET, PREFIX);
        us = regions.uri(US_BUCKET, PREFIX);
        source = ConfiguredCluster.start("repositories:\n  - name: eu\n    uri: '" + eu + "'\n", regions.env());
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS pad FROM generate_series(1, 50000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    @Test
    void aReplicateKilledMidwayAndRunAgainLeavesTheTargetIdenticalToTheSource() throws Exception {
        Map<String, String> sourceObjects = regions.objects(EU_BUCKET, PREFIX);
        String manifest = sourceObjects.keySet().stream().filter(k -> k.endsWith(".manifest")).findFirst().orElseThrow();

        // Slowed down so that it is surely killed while copying the backup's data objects.
        Process slow = start("replicate", "--from", eu, "--to", us, "--jobs", "1", "--max-rate", "1MB/s");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!regions.hasKeyStartingWith(US_BUCKET, PREFIX, "data/")) {
                assertThat(slow.isAlive()).as("replicate still running").isTrue();
                assertThat(System.nanoTime()).as("a data object copied within 120 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            slow.destroyForcibly(); // SIGKILL: no chance to clean up
            slow.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, String> cut = regions.objects(US_BUCKET, PREFIX);
        assertThat(cut).as("the manifest is copied last").doesNotContainKey(manifest);
        assertThat(cut.size()).isLessThan(sourceObjects.size());

        Lifeboat.Run rest = Lifeboat.run(regions.env(), "replicate", "--from", eu, "--to", us);

        assertThat(rest.exitCode()).as(rest.toString()).isZero();
        assertThat(regions.objects(US_BUCKET, PREFIX)).isEqualTo(regions.objects(EU_BUCKET, PREFIX));
        Lifeboat.Run info = Lifeboat.run(regions.env(), "info", "--repo", us);
        assertThat(info.stdout()).contains(manifest.substring("backups/".length(), manifest.length() - ".manifest".length()));

        Lifeboat.Run again = Lifeboat.run(regions.env(), "replicate", "--from", eu, "--to", us, "--output", "json");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("\"objectsCopied\" : 0").contains("\"backupsPresent\" : 1");
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Lifeboat.launcher().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(source.scratch().resolve("replicate-killed.log").toFile());
        builder.environment().remove("LIFEBOAT_CONFIG");
        builder.environment().putAll(regions.env());
        return builder.start();
    }
}
