package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One damaged object must not take the whole repository down. Given three full backups whose
 * newest manifest was cut in half (a full disk, a killed copy), info lists it as DAMAGED,
 * restore skips it and restores the newest intact backup plus the archived WAL, the intact
 * backups restore by id, verify and check name it and still look at the rest, and expire
 * leaves it and what it may need alone. A data object that a manifest names and the store
 * lacks gets the same exit code from restore as from verify.
 */
class DamagedManifestIT {

    private static ArchivingCluster source;
    private static String oldest;
    private static String intact;
    private static String damaged;
    private static String rowsArchived;

    @BeforeAll
    static void threeBackupsTheNewestDamaged() throws IOException {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id int PRIMARY KEY, note text NOT NULL)");
        oldest = backupAfterRows(1);
        intact = backupAfterRows(2);
        damaged = backupAfterRows(3);
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'after the last backup' FROM generate_series(40001, 40500) g");
        source.switchAndWaitForArchive();
        rowsArchived = ClusterSql.queryForString(source.cluster(), PointInTimeRestoreIT.CHECKSUM);
        Path manifest = manifest(source.repository(), damaged);
        try (RandomAccessFile file = new RandomAccessFile(manifest.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
    }

    private static String backupAfterRows(int batch) {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'batch " + batch + "' FROM generate_series(" + (batch * 10000)
                + ", " + (batch * 10000 + 999) + ") g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return backup.stdout().strip();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void infoListsTheDamagedBackupAndTheIntactOnes() throws IOException {
        Lifeboat.Run text = Lifeboat.run("info", "--repo", source.repository().toString());
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.stdout()).containsPattern(damaged + " +DAMAGED ").containsPattern(intact + " +OK ")
                .contains(damaged + " is DAMAGED and cannot be restored: truncated");

        Lifeboat.Run json = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode backups = Json.mapper().readTree(json.stdout()).get("backups");
        assertThat(backups).extracting(b -> b.get("id").asText() + " " + b.get("status").asText())
                .containsExactly(oldest + " OK", intact + " OK", damaged + " DAMAGED");
        assertThat(backups.get(2).get("problem").asText()).isEqualTo("truncated");
    }

    @Test
    void restoreSkipsTheDamagedBackupAndReplaysTheWalFromTheIntactOne() {
        Path pgdata = source.newDirectory("latest");
        int port;
        try (PortReservation reservation = FreePort.reserve()) {
            port = reservation.port();
        }
        Lifeboat.Run restore = source.restore(pgdata, port);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(restore.stdout()).contains("restored backup " + intact)
                    .contains("note: skipped damaged backup " + damaged + " (truncated)");
            assertThat(ArchivingCluster.query(port, PointInTimeRestoreIT.CHECKSUM)).isEqualTo(rowsArchived);
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    void anIntactBackupRestoresByIdAndTheDamagedOneIsRefused() {
        Path older = source.newDirectory("older");
        Lifeboat.Run restore = Lifeboat.run("restore", "--repo", source.repository().toString(), "--backup", intact,
                "--pgdata", older.toString(), "--no-start");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(older.resolve("backup_label")).exists();

        Path refused = source.newDirectory("refused");
        Lifeboat.Run damagedRestore = Lifeboat.run("restore", "--repo", source.repository().toString(), "--backup", damaged,
                "--pgdata", refused.toString(), "--no-start");
        BadInputIT.assertFailure(damagedRestore, 9, "backup " + damaged + " cannot be restored: truncated (manifest backups/"
                + damaged + ".manifest", "restore another backup with --backup");
        assertThat(refused).doesNotExist();
    }

    @Test
    void verifyNamesTheDamagedManifestAndStillVerifiesTheOthers() {
        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", source.repository().toString());

        BadInputIT.assertFailure(verify, 9, "1 damaged or missing object", "restore from another backup");
        assertThat(verify.stderrLines().get(0)).contains("first: backups/" + damaged + ".manifest");
        assertThat(verify.stdout()).containsPattern(oldest + " +OK ").containsPattern(intact + " +OK ")
                .containsPattern(damaged + " +DAMAGED ")
                .contains("CORRUPT backups/" + damaged + ".manifest: manifest backups/" + damaged + ".manifest in ")
                .contains("is damaged: truncated");
    }

    @Test
    void checkFailsOnTheDamagedBackupAndChecksTheRest() {
        Lifeboat.Run check = Lifeboat.run("check", "--repo", source.repository().toString());

        assertThat(check.exitCode()).as(check.toString()).isEqualTo(13);
        assertThat(check.stdout()).contains("FAIL: backup " + damaged + " is damaged and cannot be restored: truncated (manifest backups/"
                + damaged + ".manifest)");
        assertThat(check.stdout().lines().filter(l -> l.startsWith("FAIL"))).as(check.stdout()).hasSize(1);
    }

    /**
     * The damaged backup's data looks old enough to be an orphan's: an expire that took the
     * backup for absent would remove it. Its manifest, data and the WAL from the intact
     * backup before it on must be exactly as they were.
     */
    @Test
    void expireLeavesTheDamagedBackupAndTheWalItMayNeedAlone() throws IOException {
        Path repo = source.copyOfTheRepository("expire");
        try (Stream<Path> objects = Files.list(repo.resolve("data").resolve(damaged))) {
            for (Path p : objects.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
            }
        }
        Map<String, String> before = RepositorySnapshot.of(repo);

        Lifeboat.Run expire = Lifeboat.run("expire", "--repo", repo.toString(), "--keep-full", "1", "--orphan-age", "1h");

        assertThat(expire.exitCode()).as(expire.toString()).isZero();
        assertThat(expire.stdout()).contains("note: backup " + damaged + " is damaged (truncated): it was left alone")
                .containsPattern("keep +" + damaged + " .*DAMAGED \\(truncated\\): left alone")
                .containsPattern("removed +" + oldest);
        Map<String, String> after = RepositorySnapshot.of(repo);
        assertThat(ofBackup(after, damaged)).as("the damaged backup's manifest and data").isEqualTo(ofBackup(before, damaged))
                .isNotEmpty();
        assertThat(ofBackup(after, intact)).as("the intact backup before it").isEqualTo(ofBackup(before, intact)).isNotEmpty();
        assertThat(walFrom(after, startSegment(intact))).as("WAL from the intact backup's start on")
                .isEqualTo(walFrom(before, startSegment(intact))).isNotEmpty();
        assertThat(ofBackup(after, oldest)).as("expire still removes what the policy lets go").isEmpty();
    }

    @Test
    void aMissingDataObjectGetsTheSameExitCodeFromRestoreAndVerify() throws IOException {
        Path repo = source.copyOfTheRepository("missing-object");
        Path object;
        try (Stream<Path> objects = Files.list(repo.resolve("data").resolve(intact))) {
            object = objects.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        Files.delete(object);
        String key = "data/" + intact + "/" + object.getFileName();

        Path pgdata = source.newDirectory("missing-object-restore");
        Lifeboat.Run restore = Lifeboat.run("restore", "--repo", repo.toString(), "--backup", intact, "--pgdata", pgdata.toString(),
                "--no-start");
        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repo.toString(), "--backup", intact);

        BadInputIT.assertFailure(restore, 9, "object " + key + " is missing from ", "lifeboat verify");
        assertThat(pgdata).doesNotExist();
        BadInputIT.assertFailure(verify, 9, "1 damaged or missing object", "restore from another backup");
        assertThat(verify.stdout()).contains("MISSING " + key);
    }

    private static Map<String, String> ofBackup(Map<String, String> snapshot, String id) {
        Map<String, String> own = new TreeMap<>(snapshot);
        own.keySet().removeIf(k -> !k.startsWith("backups/" + id) && !k.startsWith("data/" + id + "/"));
        return own;
    }

    /** The WAL segments (and their companions) numbered from {@code first} on, on timeline 1. */
    private static Map<String, String> walFrom(Map<String, String> snapshot, String first) {
        Map<String, String> wal = new TreeMap<>(snapshot);
        wal.keySet().removeIf(k -> {
            if (!k.startsWith("wal/")) {
                return true;
            }
            String name = k.substring(k.lastIndexOf('/') + 1);
            return !name.matches("[0-9A-F]{24}.*") || name.substring(0, 24).compareTo(first) < 0;
        });
        return wal;
    }

    /** The segment a backup starts in, from its backup_label as info reports it. */
    private static String startSegment(String id) throws IOException {
        Lifeboat.Run json = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
        for (JsonNode b : Json.mapper().readTree(json.stdout()).get("backups")) {
            if (b.get("id").asText().equals(id)) {
                return b.get("startWalFile").asText();
            }
        }
        throw new AssertionError("no backup " + id + " in " + json);
    }

    private static Path manifest(Path repo, String id) {
        return repo.resolve("backups").resolve(id + ".manifest");
    }

}
