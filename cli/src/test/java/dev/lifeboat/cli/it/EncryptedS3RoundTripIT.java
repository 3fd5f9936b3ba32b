package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.luben.zstd.ZstdInputStream;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's round trips on an encrypted S3 repository (key file; real S3 server, real
 * PostgreSQL, bin/lifeboat with a configuration file naming the repository and the key file):
 * a point-in-time restore; a full-diff-incr chain whose last incremental starts a warm standby
 * that follows the archive and is promoted; a drill that passes and is recorded encrypted.
 * The rows always equal the source's, and no object in the bucket holds the marker
 * the rows carry, neither as stored nor decompressed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EncryptedS3RoundTripIT {

    private static final String ROWS = "SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || note, ',' ORDER BY id), '')) FROM orders";
    private static final String PREFIX = "encrypted/" + UUID.randomUUID();
    /** Random per run, so that only these rows can put it into an object. */
    private static final String MARKER = "lifeboat-secret-" + HexFormat.of().formatHex(TestKeyFile.randomBytes(12));

    private static S3Regions regions;
    private static TestKeyFile key;
    private static ConfiguredCluster source;
    private static String fullBackup;

    @BeforeAll
    static void clusterArchivingIntoAnEncryptedBucket() throws IOException {
        regions = S3Regions.start();
        key = TestKeyFile.create("lifeboat-keys-"); // archive_command and restore_command read it as the server user
        Path keyFile = key.path();
        String yaml = "repo: '" + regions.uri(EU_BUCKET, PREFIX) + "'\nkey-file: '" + keyFile + "'\n";
        source = ConfiguredCluster.start(yaml, regions.env(), List.of("--encrypt"));
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        ClusterSql.execute(source.cluster(), "CREATE TABLE archive_rows AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 5000) g");
        insert(1, 300, "first");
        ClusterSql.execute(source.cluster(), "CHECKPOINT");
        ArchivingCluster.sleep(1100); // files written in the second the full backup starts are copied again anyway
        fullBackup = backupId(source.backup());
        assertThat(fullBackup).endsWith("F");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (key != null) {
            key.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    @Test
    @Order(1)
    void pointInTimeRestoreBringsBackTheRowsOfThatMomentAndNoObjectHoldsTheMarker() throws IOException {
        insert(301, 500, "later");
        Instant target = Instant.parse(ClusterSql.queryForString(source.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String expected = ClusterSql.queryForString(source.cluster(), ROWS);
        ArchivingCluster.sleep(20);
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 5 = 0");
        switchAndWaitForArchive();

        Path pgdata = source.newDirectory("restored");
        int port = ArchivingCluster.freePort();
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        Lifeboat.Run restore = source.restore(source.config(), pgdata, port, "--target-time", time);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, ROWS)).isEqualTo(expected);
        } finally {
            source.stopRestored(pgdata);
        }
        assertThat(Files.readString(pgdata.resolve("postgresql.auto.conf"))).as("the key is named, never written")
                .doesNotContain(Files.readString(key.path()).strip());

        List<String> stored = regions.objects(EU_BUCKET, PREFIX).keySet().stream().toList();
        assertThat(stored).anyMatch(k -> k.startsWith("wal/")).anyMatch(k -> k.startsWith("data/"))
                .anyMatch(k -> k.endsWith(".manifest"));
        assertThat(stored.stream().filter(EncryptedS3RoundTripIT::holdsMarker).toList()).as("objects holding the marker").isEmpty();
    }

    @Test
    @Order(2)
    void aFullDiffIncrChainStartsAWarmStandbyThatFollowsTheEncryptedArchiveAndIsPromoted() {
        insert(1001, 1200, "diff");
        String diff = backupId(source.backup("--type", "diff"));
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 3 = 0");
        insert(1201, 1300, "incr");
        String rowsAtIncr = ClusterSql.queryForString(source.cluster(), ROWS);
        String incr = backupId(source.backup("--type", "incr"));
        assertThat(diff).endsWith("D");
        assertThat(incr).endsWith("I");
        Lifeboat.Run info = source.lifeboat("info");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.stdout()).contains(fullBackup).contains(diff).contains(incr);

        // A standby starts from the newest backup, the incremental; nothing was written since, so
        // once it has replayed the archive it holds the incremental's rows.
        Path pgdata = source.newDirectory("standby");
        int port = ArchivingCluster.freePort();
        Lifeboat.Run standby = source.restore(source.config(), pgdata, port, "--standby", "--set", "wal_retrieve_retry_interval=1s");
        assertThat(standby.exitCode()).as(standby.toString()).isZero();
        assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("t");
        awaitRows(port, rowsAtIncr);
        assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM archive_rows")).isEqualTo("5000");

        // Written on the primary after the standby started: it gets there through the archive only.
        insert(2001, 2100, "standby");
        String expected = ClusterSql.queryForString(source.cluster(), ROWS);
        switchAndWaitForArchive();
        awaitRows(port, expected);

        Lifeboat.Run promote = Lifeboat.run("promote", "--pgdata", pgdata.toString());
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(ArchivingCluster.query(port, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        ArchivingCluster.execute(port, "INSERT INTO orders VALUES (-1, 'promoted')");
        assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders WHERE id = -1")).isEqualTo("1");
    }

    @Test
    @Order(3)
    void aDrillPassesAndItsRecordIsStoredEncrypted() throws IOException {
        Lifeboat.Run drill = source.lifeboat("drill", "--backup", fullBackup, "--target", "immediate", "--start-timeout", "120",
                "--output", "json");

        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        JsonNode result = Json.mapper().readTree(drill.stdout());
        assertThat(result.get("drill").get("verdict").asText()).isEqualTo("passed");
        String record = result.get("recordKey").asText();
        String stored = new String(regions.read(EU_BUCKET, PREFIX, record), StandardCharsets.ISO_8859_1);
        assertThat(stored).as("the drill record as stored").doesNotContain("passed").doesNotContain(fullBackup);
        Lifeboat.Run info = source.lifeboat("info");
        assertThat(info.stdout()).contains("last known-good: " + fullBackup);
    }

    private static void insert(int from, int to, String word) {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, '" + word + " ' || g || ' " + MARKER + "' FROM generate_series("
                + from + ", " + to + ") g");
    }

    private static void switchAndWaitForArchive() {
        source.switchAndWait(segment -> regions.hasKeyStartingWith(EU_BUCKET, PREFIX,
                "wal/" + segment.substring(0, 8) + "/" + segment.substring(0, 16) + "/" + segment + "-"));
    }

    private static String backupId(Lifeboat.Run backup) {
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return backup.stdout().strip();
    }

    /** The marker in the object as stored, or in it decompressed (a plain repository's objects are zstd frames). */
    private static boolean holdsMarker(String key) {
        byte[] stored = regions.read(EU_BUCKET, PREFIX, key);
        if (new String(stored, StandardCharsets.ISO_8859_1).contains(MARKER)) {
            return true;
        }
        try (ZstdInputStream zstd = new ZstdInputStream(new ByteArrayInputStream(stored))) {
            return new String(zstd.readAllBytes(), StandardCharsets.ISO_8859_1).contains(MARKER);
        } catch (IOException | RuntimeException notZstd) {
            return false;
        }
    }

    private static void awaitRows(int port, String expected) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        String rows = null;
        while (System.nanoTime() < deadline) {
            rows = ArchivingCluster.query(port, ROWS);
            if (expected.equals(rows)) {
                return;
            }
            ArchivingCluster.sleep(250);
        }
        throw new AssertionError("the standby on port " + port + " has rows " + rows + ", not " + expected + ", after 90 s");
    }


}
