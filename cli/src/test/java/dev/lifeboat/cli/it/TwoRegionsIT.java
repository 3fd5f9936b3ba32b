package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static dev.lifeboat.storage.s3.LocalS3Server.US_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's story for two regions: one cluster keeps a repository in an eu bucket and one
 * in a us bucket (both S3, through bin/lifeboat, credentials from the environment). Every backup
 * and WAL segment lands in both; when the eu copy is damaged, or eu is lost altogether, the
 * rows come back from us.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoRegionsIT {

    private static final String PREFIX = "two-regions/" + UUID.randomUUID();

    private static S3Regions regions;
    private static ConfiguredCluster source;
    private static String backupId;

    @BeforeAll
    static void clusterArchivingIntoTwoRegions() {
        regions = S3Regions.start();
        source = ConfiguredCluster.start(config(regions.uri(EU_BUCKET, PREFIX)), regions.env());
        ClusterSql.execute(source.cluster(), "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 100) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.stdout().lines()).hasSize(2).anyMatch(l -> l.startsWith("eu ")).anyMatch(l -> l.startsWith("us "));
        backupId = backup.stdout().lines().filter(l -> l.startsWith("us ")).findFirst().orElseThrow().substring(3);
        ClusterSql.execute(source.cluster(), "INSERT INTO t SELECT g FROM generate_series(101, 200) g");
        source.switchAndWait(segment -> regions.hasKeyStartingWith(EU_BUCKET, PREFIX, walKey(segment))
                && regions.hasKeyStartingWith(US_BUCKET, PREFIX, walKey(segment)));
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

    private static String config(String euUri) {
        return "repositories:\n"
                + "  - name: eu\n    uri: '" + euUri + "'\n"
                + "  - name: us\n    uri: '" + regions.uri(US_BUCKET, PREFIX, "storage-class=STANDARD_IA") + "'\n";
    }

    private static String walKey(String segment) {
        return "wal/" + segment.substring(0, 8) + "/" + segment.substring(0, 16) + "/" + segment + "-";
    }

    @Test
    @Order(1)
    void everyBackupAndWalSegmentIsInBothRegions() {
        Lifeboat.Run info = source.lifeboat("info", "--output", "json");

        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.stdout()).contains("\"name\" : \"eu\"").contains("\"name\" : \"us\"");
        Map<String, String> eu = regions.objects(EU_BUCKET, PREFIX);
        Map<String, String> us = regions.objects(US_BUCKET, PREFIX);
        assertThat(eu.keySet()).anyMatch(k -> k.startsWith("backups/") && k.endsWith(".manifest"));
        assertThat(us).containsKey("backups/" + backupId + ".manifest");
        // WAL is stored under its name and checksum: the same keys in both regions
        assertThat(us.keySet().stream().filter(k -> k.startsWith("wal/")))
                .containsExactlyInAnyOrderElementsOf(eu.keySet().stream().filter(k -> k.startsWith("wal/")).toList());
    }

    @Test
    @Order(2)
    void aCorruptAndPartlyDeletedFirstRegionIsPassedOverAndTheRowsComeBackFromTheSecond() throws IOException {
        Map<String, String> eu = regions.objects(EU_BUCKET, PREFIX);
        // The eu backup's largest object gets a flipped byte; one WAL segment is damaged, the last one deleted.
        String dataObject = eu.keySet().stream().filter(k -> k.startsWith("data/") && k.endsWith("000001.zst")).findFirst().orElseThrow();
        corrupt(dataObject);
        var segments = eu.keySet().stream().filter(k -> k.startsWith("wal/") && !k.contains(".history")).sorted().toList();
        corrupt(segments.get(0));
        regions.delete(EU_BUCKET, PREFIX, segments.get(segments.size() - 1));

        Path pgdata = source.newDirectory("restored");
        int port = freePort();
        Lifeboat.Run restore = source.restore(source.config(), pgdata, port, "--target", "latest");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stderr()).contains("restored from repository us; passed over eu: ").contains("corrupt");
        assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM t")).isEqualTo("200");
        assertThat(Files.readString(pgdata.resolve("postgresql.auto.conf")))
                .contains("wal-fetch --config " + source.config()).doesNotContain("--repo-name");
    }

    @Test
    @Order(3)
    void withTheFirstRegionLostTheRestoreComesFromTheOtherAndRecoveryReadsOnlyIt() throws IOException {
        Path lost = source.otherConfig("eu-lost.yaml", config(regions.uri(closedPort(), EU_BUCKET, PREFIX)));

        Path pgdata = source.newDirectory("restored");
        int port = freePort();
        Lifeboat.Run restore = source.restore(lost, pgdata, port, "--target", "latest");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stderr()).contains("passed over eu: ");
        assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM t")).isEqualTo("200");
        assertThat(Files.readString(pgdata.resolve("postgresql.auto.conf"))).contains("--repo-name us");
    }

    @Test
    @Order(4)
    void anS3RepositoryWorksLikeADirectoryWithoutAnyConfiguration() throws IOException {
        String us = regions.uri(US_BUCKET, PREFIX);
        Path pgdata = source.newDirectory("restored");

        Lifeboat.Run restore = Lifeboat.run(regions.env(), "restore", "--repo", us, "--pgdata", pgdata.toString(), "--no-start");

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        // The restore_command written for the new instance names the store by its URI and works as it is.
        String settings = Files.readString(pgdata.resolve("postgresql.auto.conf"));
        String restoreCommand = settings.lines().filter(l -> l.startsWith("restore_command"))
                .map(l -> l.substring(l.indexOf('\'') + 1, l.lastIndexOf('\'')).replace("''", "'")).findFirst().orElseThrow();
        assertThat(restoreCommand).contains("--repo 's3://" + US_BUCKET + "/" + PREFIX);
        String firstWal = Files.readString(pgdata.resolve("backup_label")).lines().filter(l -> l.startsWith("START WAL LOCATION"))
                .map(l -> l.substring(l.indexOf("(file ") + 6, l.indexOf("(file ") + 30)).findFirst().orElseThrow();
        Path delivered = pgdata.resolve("pg_wal").resolve("RECOVERYXLOG");
        Lifeboat.Run fetch = Lifeboat.exec(java.util.List.of("sh", "-c",
                restoreCommand.replace("%f", firstWal).replace("%p", delivered.toString()).replace("%%", "%")), regions.env(), pgdata);
        assertThat(fetch.exitCode()).as(fetch.toString()).isZero();
        assertThat(Files.size(delivered)).isEqualTo(16L << 20);
    }

    @Test
    @Order(5)
    void aRegionWhoseS3ServerCannotBeReachedIsCriticalForAMonitorAndTheOtherStaysOk() throws IOException {
        Path down = source.otherConfig("eu-down.yaml", config(regions.uri(closedPort(), EU_BUCKET, PREFIX)));

        Lifeboat.Run nagios = Lifeboat.run(regions.env(), "check", "--config", down.toString(), "--output", "nagios");

        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(2);
        List<String> lines = nagios.stdout().lines().toList();
        assertThat(lines.get(0)).startsWith("LIFEBOAT CRITICAL - ").contains("eu");
        assertThat(lines).anyMatch(l -> l.startsWith("CRITICAL: eu/repository: "))
                .anyMatch(l -> l.startsWith("OK: us/repository"));
    }

    private static void corrupt(String key) {
        byte[] bytes = regions.read(EU_BUCKET, PREFIX, key);
        bytes[bytes.length / 2] ^= 0x20;
        regions.write(EU_BUCKET, PREFIX, key, bytes);
    }

    private static int freePort() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }

    /** The address of a region that is gone: nothing listens there. */
    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
