package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's drill story, in order: a drill with a failing check fails and says which; a
 * drill of the good backup passes, is recorded and makes it known-good; a newer backup that
 * was never drilled, or whose drill fails on a damaged object, is passed over by
 * last-known-good; two drills at once do not get in each other's way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrillIT {

    private static ArchivingCluster source;
    private static String goodBackup;
    private static String rowsAtGoodDrill;

    @BeforeAll
    static void clusterWithABackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, created timestamptz NOT NULL DEFAULT now(), total numeric)");
        ClusterSql.execute(source.cluster(), "CREATE INDEX ON orders (created)");
        ClusterSql.execute(source.cluster(), "INSERT INTO orders (id, total) SELECT g, g * 1.5 FROM generate_series(1, 2000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        goodBackup = backup.stdout().strip();
        ClusterSql.execute(source.cluster(), "INSERT INTO orders (id, total) SELECT g, g * 1.5 FROM generate_series(2001, 2500) g");
        source.switchAndWaitForArchive();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(1)
    void aFailingUserCheckFailsTheDrillAndTheJunitReportSaysWhich() throws Exception {
        Path checks = writeChecks("""
                -- name: orders arrive
                -- expect: count >= 1
                SELECT count(*) FROM orders WHERE created > now() - interval '1 hour';

                -- name: a million orders
                -- expect: count between 1000000 and 2000000
                SELECT count(*) FROM orders;

                -- expect: no rows
                SELECT id FROM orders WHERE total < 0;
                """);
        Path junit = source.newDirectory("reports").resolve("drill.xml");

        Lifeboat.Run drill = drill("--backup", goodBackup, "--target", "immediate", "--checks", checks.toString(),
                "--junit", junit.toString());

        BadInputIT.assertFailure(drill, 13, "drill of backup " + goodBackup + " failed: a million orders: returned 2000 where count between"
                + " 1000000 and 2000000 was expected", "not known-good");
        assertThat(drill.stdout()).contains("FAILED").contains("FAIL  a million orders").contains("          SELECT count(*) FROM orders");
        Document report = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        Element suites = report.getDocumentElement();
        // restore, recovery, system identifier, amcheck postgres, row counts + the three checks
        assertThat(suites.getAttribute("tests")).isEqualTo("8");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        assertThat(suites.getAttribute("skipped")).isEqualTo("0");
        NodeList failures = report.getElementsByTagName("failure");
        Element failed = (Element) failures.item(0).getParentNode();
        assertThat(failed.getAttribute("name")).isEqualTo("a million orders");
        assertThat(failures.item(0).getTextContent()).contains("statement: SELECT count(*) FROM orders").contains("result: returned 2000");
        assertThat(verdictOf(goodBackup)).isEqualTo("failed");
    }

    @Test
    @Order(2)
    void aDrillOfAGoodBackupPassesIsRecordedAndLeavesTheArchiveAlone() throws Exception {
        Path checks = writeChecks("""
                -- name: orders arrive
                -- expect: count >= 1
                SELECT count(*) FROM orders WHERE created > now() - interval '1 hour';
                """);
        Path scratch = Files.createDirectories(source.newDirectory("scratch"));
        Map<String, String> before = archiveSnapshot();
        rowsAtGoodDrill = ClusterSql.queryForString(source.cluster(), "SELECT count(*) FROM orders");

        Lifeboat.Run drill = drill("--checks", checks.toString(), "--scratch", scratch.toString(), "--output", "json");

        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        JsonNode result = Json.mapper().readTree(drill.stdout()).get("drill");
        assertThat(result.get("backupId").asText()).isEqualTo(goodBackup);
        assertThat(result.get("verdict").asText()).isEqualTo("passed");
        assertThat(result.get("timings").get("rto").asDouble()).isPositive();
        List<String> passed = new ArrayList<>();
        result.get("checks").forEach(c -> {
            assertThat(c.get("verdict").asText()).as(c.toString()).isEqualTo("passed");
            passed.add(c.get("name").asText());
        });
        assertThat(passed).containsExactly("restore", "recovery", "system identifier", "amcheck postgres", "row counts", "orders arrive");
        assertThat(result.get("tables")).anySatisfy(t -> {
            assertThat(t.get("table").asText()).isEqualTo("public.orders");
            assertThat(t.get("rows").asText()).isEqualTo(rowsAtGoodDrill);
        });
        String key = Json.mapper().readTree(drill.stdout()).get("recordKey").asText();
        assertThat(source.repository().resolve(key)).exists();

        assertThat(verdictOf(goodBackup)).isEqualTo("passed");
        Lifeboat.Run status = Lifeboat.run("status", "--repo", source.repository().toString(), "--max-drill-age", "1d");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("last known-good backup: " + goodBackup).contains("PASS");
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString());
        assertThat(info.stdout()).containsPattern(goodBackup + " .* passed +\\d+\\.\\d s").contains("last known-good: " + goodBackup);
        assertThat(archiveSnapshot()).as("backups, data and WAL untouched").isEqualTo(before);
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("the scratch instance is removed").isEmpty();
        }
    }

    @Test
    @Order(3)
    void lastKnownGoodPassesOverANewerBackupThatWasNeverDrilledOrFailedItsDrill() throws IOException {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders (id, total) SELECT g, g * 1.5 FROM generate_series(2501, 3000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String newer = backup.stdout().strip();
        source.switchAndWaitForArchive();

        Lifeboat.Run notDrilled = Lifeboat.run("restore", "--repo", source.repository().toString(), "--target", "last-known-good",
                "--pgdata", source.newDirectory("lkg-plan").toString(), "--no-start");
        assertThat(notDrilled.exitCode()).as(notDrilled.toString()).isZero();
        assertThat(notDrilled.stdout()).contains("restored backup " + goodBackup);

        String damaged = flipAByteInTheLargestDataObject(newer);
        Lifeboat.Run drill = drill("--backup", newer);
        BadInputIT.assertFailure(drill, 13, "drill of backup " + newer + " failed: restore: corrupt object " + damaged, "not known-good");
        assertThat(drill.stdout()).contains("SKIP  row counts");
        assertThat(verdictOf(newer)).isEqualTo("failed");
        Lifeboat.Run status = Lifeboat.run("status", "--repo", source.repository().toString());
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(13);
        assertThat(status.stdout()).contains("last known-good backup: " + goodBackup)
                .contains("FAIL: the newest drill").contains("of backup " + newer + ", failed: restore: corrupt object " + damaged);

        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", source.repository().toString(), "--backup", newer);
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        assertThat(verify.stdout()).contains("CORRUPT " + damaged);
        assertThat(Lifeboat.run("verify", "--repo", source.repository().toString(), "--backup", goodBackup).exitCode()).isZero();

        Path pgdata = source.newDirectory("lkg");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run restore = source.restore(pgdata, port, "--target", "last-known-good");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stdout()).contains("restored backup " + goodBackup).contains("last known-good: backup " + goodBackup);
        try {
            // The good backup's drill replayed the archive of its day: exactly those rows, none written since.
            assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders")).isEqualTo(rowsAtGoodDrill);
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    @Order(4)
    void twoDrillsAtOnceOnOneMachineDoNotCollide() throws Exception {
        Path scratch = Files.createDirectories(source.newDirectory("scratch-parallel"));
        CompletableFuture<Lifeboat.Run> first = CompletableFuture.supplyAsync(() ->
                drill("--backup", goodBackup, "--target", "immediate", "--scratch", scratch.toString(), "--output", "json"));
        CompletableFuture<Lifeboat.Run> second = CompletableFuture.supplyAsync(() ->
                drill("--backup", goodBackup, "--target", "immediate", "--scratch", scratch.toString(), "--output", "json"));

        List<String> ids = new ArrayList<>();
        for (Lifeboat.Run run : List.of(first.get(), second.get())) {
            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode result = Json.mapper().readTree(run.stdout());
            assertThat(result.get("drill").get("verdict").asText()).isEqualTo("passed");
            ids.add(result.get("drill").get("id").asText());
            assertThat(source.repository().resolve(result.get("recordKey").asText())).exists();
        }
        assertThat(ids).doesNotHaveDuplicates();
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    @Order(5)
    void aBackupOfADamagedTablePageFailsTheDrillInAmcheck() throws IOException {
        // Rows whose checksums in the backup are right because the damage was there before the backup read them.
        ClusterSql.execute(source.cluster(), "CREATE TABLE ledger WITH (autovacuum_enabled = off) AS SELECT g AS id, md5(g::text) AS entry"
                + " FROM generate_series(1, 10000) g");
        // Hint bits set and flushed now: a later read that set them would dirty the pages, and the
        // backup's own checkpoint would then write the good copy over the damage (seen once).
        ClusterSql.execute(source.cluster(), "VACUUM (FREEZE) ledger");
        ClusterSql.execute(source.cluster(), "CHECKPOINT");
        Path file = source.dataDirectory().resolve(ClusterSql.queryForString(source.cluster(), "SELECT pg_relation_filepath('ledger')"));
        try (RandomAccessFile heap = new RandomAccessFile(file.toFile(), "rw")) {
            heap.seek(8192L * 3 + 4000); // the tuples of block 3
            byte[] garbage = new byte[200];
            java.util.Arrays.fill(garbage, (byte) 0xFF);
            heap.write(garbage);
        }
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        String damaged = backup.stdout().strip();

        Lifeboat.Run drill = drill("--backup", damaged, "--target", "immediate");

        BadInputIT.assertFailure(drill, 13, "drill of backup " + damaged + " failed: amcheck postgres: pg_amcheck reported: heap table "
                + "\"postgres.public.ledger\", block 3", "not known-good");
        assertThat(drill.stdout()).contains("PASS  restore").contains("PASS  recovery").contains("FAIL  amcheck postgres");
        assertThat(verdictOf(damaged)).isEqualTo("failed");
    }

    @Test
    @Order(6)
    void theSameDrillAfterAByteFlippedInOneObjectFailsNamingItAndTheBackupIsNoLongerKnownGood() throws IOException {
        assertThat(verdictOf(goodBackup)).isEqualTo("passed");
        String damaged = flipAByteInTheLargestDataObject(goodBackup);

        Lifeboat.Run drill = drill("--backup", goodBackup);

        BadInputIT.assertFailure(drill, 13, "drill of backup " + goodBackup + " failed: restore: corrupt object " + damaged,
                "not known-good");
        assertThat(verdictOf(goodBackup)).isEqualTo("failed");
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString());
        assertThat(info.stdout()).contains("last known-good: none").contains(goodBackup + " drill ").contains(damaged);
        Lifeboat.Run restore = Lifeboat.run("restore", "--repo", source.repository().toString(), "--target", "last-known-good",
                "--pgdata", source.newDirectory("no-lkg").toString(), "--no-start");
        BadInputIT.assertFailure(restore, 6, "has passed a restore drill", "lifeboat drill");
    }

    private static Lifeboat.Run drill(String... args) {
        List<String> all = new ArrayList<>(List.of("drill", "--repo", source.repository().toString(), "--start-timeout", "120"));
        all.addAll(List.of(args));
        return Lifeboat.run(all.toArray(String[]::new));
    }

    private static Path writeChecks(String text) throws IOException {
        Path file = source.newDirectory("checks").resolveSibling("checks-" + System.nanoTime() + ".sql");
        Files.writeString(file, text);
        return file;
    }

    private static String verdictOf(String backupId) throws IOException {
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        for (JsonNode backup : Json.mapper().readTree(info.stdout()).get("backups")) {
            if (backup.get("id").asText().equals(backupId)) {
                return backup.has("drill") ? backup.get("drill").get("verdict").asText() : null;
            }
        }
        throw new AssertionError("no backup " + backupId + " in " + info.stdout());
    }

    /** Everything in the repository but the drill results. */
    private static Map<String, String> archiveSnapshot() {
        Map<String, String> all = RepositorySnapshot.of(source.repository());
        all.keySet().removeIf(k -> k.startsWith("drills/"));
        return all;
    }

    /** Flips one byte in the middle of a backup's largest data object; returns its key. */
    static String flipAByteInTheLargestDataObject(String backupId) throws IOException {
        Path dir = source.repository().resolve("data").resolve(backupId);
        Path largest;
        try (Stream<Path> objects = Files.list(dir)) {
            largest = objects.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(largest.toFile(), "rw")) {
            long at = file.length() / 2;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x55);
        }
        return "data/" + backupId + "/" + largest.getFileName();
    }
}
