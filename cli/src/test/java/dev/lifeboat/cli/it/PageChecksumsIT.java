package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Given a cluster with data checksums, when a page of a table goes bad on disk (a byte changed
 * in its file, as a failing disk would), then the next backup still completes, names the table
 * and the block in its output, its manifest and info, and check warns about it; a backup taken
 * before the damage names nothing.
 */
class PageChecksumsIT {

    private static ArchivingCluster source;
    private static Lifeboat.Run cleanBackup;
    private static Lifeboat.Run damagedBackup;
    private static String relationFile;

    @BeforeAll
    static void aBackupBeforeAndAfterAPageIsDamaged() throws IOException {
        source = ArchivingCluster.startWithDataChecksums();
        // No autovacuum: nothing in the server reads the damaged page (and logs a checksum error) while the test runs.
        ClusterSql.execute(source.cluster(), "CREATE TABLE accounts WITH (autovacuum_enabled = off) AS"
                + " SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 2000) g");
        ClusterSql.execute(source.cluster(), "CHECKPOINT");
        cleanBackup = source.backup();
        assertThat(cleanBackup.exitCode()).as(cleanBackup.toString()).isZero();

        relationFile = ClusterSql.queryForString(source.cluster(), "SELECT pg_relation_filepath('accounts')");
        // Block 1, among its tuples (not the header): the page on disk no longer matches its checksum.
        // The buffer in shared memory is clean, so PostgreSQL has no reason to write the page again.
        try (RandomAccessFile file = new RandomAccessFile(source.dataDirectory().resolve(relationFile).toFile(), "rw")) {
            file.seek(8192 + 5000);
            int b = file.read();
            file.seek(8192 + 5000);
            file.write(b ^ 0x5A);
        }
        damagedBackup = source.lifeboat("backup", "--repo", source.repository().toString(), "--pgdata",
                source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()), "--output", "json");
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void theBackupCompletesAndNamesTheRelationAndBlock() throws IOException {
        assertThat(damagedBackup.exitCode()).as(damagedBackup.toString()).isZero();
        assertThat(damagedBackup.stderrLines()).anySatisfy(line -> assertThat(line)
                .startsWith("lifeboat: warning: backup ").contains("holds corrupt pages")
                .contains("relation public.accounts (database postgres, " + relationFile + "), fork main: block 1"));

        JsonNode corrupt = Json.mapper().readTree(damagedBackup.stdout()).get("pageChecksums");
        assertThat(corrupt.get("checked").asBoolean()).isTrue();
        assertThat(corrupt.get("corrupt")).hasSize(1);
        JsonNode file = corrupt.get("corrupt").get(0);
        assertThat(file.get("path").asText()).isEqualTo(relationFile);
        assertThat(file.get("relation").asText()).isEqualTo("public.accounts");
        assertThat(file.get("fork").asText()).isEqualTo("main");
        assertThat(file.get("pages").asLong()).isEqualTo(1);
        assertThat(file.get("blocks").get(0).asText()).isEqualTo("1");
    }

    @Test
    void aCleanChecksummedClusterHasNoCorruptPage() throws IOException {
        assertThat(cleanBackup.stderr()).doesNotContain("corrupt");
        JsonNode backup = infoOf(cleanBackup.stdout().strip());
        assertThat(backup.get("pageChecksums").get("checked").asBoolean()).as(backup.toString()).isTrue();
        assertThat(backup.get("pageChecksums").get("corrupt")).isEmpty();
    }

    @Test
    void infoShowsTheCorruptPagesOfThatBackupOnly() throws IOException {
        String damagedId = damagedId();
        Lifeboat.Run info = source.lifeboat("info", "--repo", source.repository().toString());
        assertThat(info.exitCode()).as(info.toString()).isZero();
        assertThat(info.stdout().lines().filter(l -> l.contains("CORRUPT PAGES")).toList()).singleElement().satisfies(line ->
                assertThat(line).startsWith("  " + damagedId + " holds CORRUPT PAGES").contains("relation public.accounts").contains("block 1"));

        JsonNode pages = infoOf(damagedId).get("pageChecksums").get("corrupt");
        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).get("relfilenode").asLong()).isEqualTo(Long.parseLong(relationFile.substring(relationFile.lastIndexOf('/') + 1)));
        assertThat(pages.get(0).get("blocks").get(0).asText()).isEqualTo("1");
    }

    @Test
    void checkWarnsThatABackupHoldsCorruptPages() throws IOException {
        String damagedId = damagedId();
        Lifeboat.Run check = source.lifeboat("check", "--repo", source.repository().toString());
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stdout()).contains("WARN: backup " + damagedId + " holds 1 corrupt page").contains("public.accounts");

        Lifeboat.Run nagios = source.lifeboat("check", "--repo", source.repository().toString(), "--output", "nagios");
        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(1);
        assertThat(nagios.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("WARNING: corrupt_pages: ")
                .contains(damagedId).contains("block 1"));

        Lifeboat.Run json = source.lifeboat("check", "--repo", source.repository().toString(), "--output", "json");
        JsonNode report = Json.mapper().readTree(json.stdout());
        assertThat(report.get("corruptPages").get(0).get("backupId").asText()).isEqualTo(damagedId);
    }

    @Test
    void theCheckCanBeSkipped() throws IOException {
        Lifeboat.Run unchecked = source.lifeboat("backup", "--repo", source.repository().toString(), "--pgdata",
                source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()), "--no-page-checksums");
        assertThat(unchecked.exitCode()).as(unchecked.toString()).isZero();
        assertThat(unchecked.stderr()).doesNotContain("corrupt");
        assertThat(infoOf(unchecked.stdout().strip()).get("pageChecksums").get("checked").asBoolean()).isFalse();
    }

    private static String damagedId() throws IOException {
        return Json.mapper().readTree(damagedBackup.stdout()).get("backupId").asText();
    }

    private static JsonNode infoOf(String backupId) throws IOException {
        Lifeboat.Run info = source.lifeboat("info", "--repo", source.repository().toString(), "--output", "json");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        for (JsonNode b : Json.mapper().readTree(info.stdout()).get("backups")) {
            if (b.get("id").asText().equals(backupId)) {
                return b;
            }
        }
        throw new AssertionError("no backup " + backupId + " in " + info.stdout());
    }
}
