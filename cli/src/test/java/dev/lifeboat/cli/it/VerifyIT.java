package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** verify reads a backup without restoring it and names every damaged or missing object, without stopping at the first. */
class VerifyIT {

    private static ArchivingCluster source;
    private static String backupId;
    /** The segment that holds the backup's end (later segments may be archived by the tests). */
    private static String backupEnd;

    @BeforeAll
    static void clusterWithABackup() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g");
        Lifeboat.Run backup = source.backup();
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        backupId = backup.stdout().strip();
        backupEnd = newestSegment(source.repository()).getFileName().toString().substring(0, 24);
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void anIntactBackupVerifies() {
        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", source.repository().toString());
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.stdout()).containsPattern(backupId + " +OK ").contains("verified:");
    }

    @Test
    void everyDamagedAndMissingObjectIsNamed() throws IOException {
        Path repo = source.copyOfTheRepository("damaged");
        List<Path> objects = dataObjects(repo);
        String corrupt = flipAByteInTheMiddle(objects.get(0));
        Path missing = objects.get(objects.size() - 1);
        Files.delete(missing);
        Path segment = walSegment(repo);
        String corruptWal = flipAByteInTheMiddle(segment);

        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repo.toString(), "--backup", "latest", "--output", "json");

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        JsonNode result = Json.mapper().readTree(verify.stdout());
        assertThat(result.get("passed").asBoolean()).isFalse();
        assertThat(result.get("problems")).hasSize(3);
        assertThat(result.get("problems")).anySatisfy(p -> {
            assertThat(p.get("kind").asText()).isEqualTo("corrupt");
            assertThat(p.get("object").asText()).isEqualTo(relative(repo, corrupt));
            assertThat(p.get("file").asText()).isNotBlank();
        });
        assertThat(result.get("problems")).anySatisfy(p -> {
            assertThat(p.get("kind").asText()).isEqualTo("missing");
            assertThat(p.get("object").asText()).isEqualTo(relative(repo, missing.toString()));
        });
        assertThat(result.get("problems")).anySatisfy(p -> {
            assertThat(p.get("kind").asText()).isEqualTo("corrupt");
            assertThat(p.get("object").asText()).isEqualTo(relative(repo, corruptWal));
        });
        assertThat(verify.stderrLines()).hasSize(2).first().asString().startsWith("lifeboat: error: 3 damaged or missing objects");
    }

    @Test
    void aMissingWalSegmentIsMissingNotCorrupt() throws IOException {
        Path repo = source.copyOfTheRepository("no-wal");
        Path segment = walSegment(repo);
        Files.delete(segment);
        String name = segment.getFileName().toString().substring(0, 24);

        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repo.toString(), "--backup", backupId);

        BadInputIT.assertFailure(verify, 4, "1 damaged or missing object", "restore from another backup");
        assertThat(verify.stdout()).contains("MISSING " + name + ": WAL segment " + name + " that backup " + backupId + " needs");
    }

    @Test
    void aTruncatedWalObjectAfterTheNewestBackupIsNamed() throws IOException {
        ClusterSql.execute(source.cluster(), "INSERT INTO big SELECT g, 'after the backup' FROM generate_series(1, 1000) g");
        String after = source.switchAndWaitForArchive();
        Path repo = source.copyOfTheRepository("truncated-after");
        Path object = walObject(repo, after);
        try (RandomAccessFile file = new RandomAccessFile(object.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        Lifeboat.Run verify = Lifeboat.run("verify", "--repo", repo.toString(), "--output", "json");

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(9);
        JsonNode result = Json.mapper().readTree(verify.stdout());
        assertThat(result.get("problems")).singleElement().satisfies(p -> {
            assertThat(p.get("kind").asText()).isEqualTo("corrupt");
            assertThat(p.get("object").asText()).isEqualTo(relative(repo, object.toString()));
            assertThat(p.get("file").asText()).isEqualTo(after);
        });
        assertThat(verify.stderrLines()).first().asString().contains(relative(repo, object.toString()));
    }


    /** The backup's data objects, largest first. */
    private static List<Path> dataObjects(Path repo) throws IOException {
        try (Stream<Path> objects = Files.list(repo.resolve("data").resolve(backupId))) {
            List<Path> all = objects.sorted(Comparator.comparingLong((Path p) -> p.toFile().length()).reversed()).toList();
            assertThat(all).hasSizeGreaterThan(1);
            return all;
        }
    }

    /** The WAL segment that holds the backup's end. */
    private static Path walSegment(Path repo) throws IOException {
        return walObject(repo, backupEnd);
    }

    private static Path walObject(Path repo, String segment) throws IOException {
        try (Stream<Path> walk = Files.walk(repo.resolve("wal"))) {
            return walk.filter(p -> p.getFileName().toString().startsWith(segment + "-")).findFirst().orElseThrow();
        }
    }

    private static Path newestSegment(Path repo) {
        try (Stream<Path> walk = Files.walk(repo.resolve("wal"))) {
            return walk.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}-[0-9a-f]{64}\\.zst"))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String flipAByteInTheMiddle(Path object) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(object.toFile(), "rw")) {
            long at = file.length() / 2;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x55);
        }
        return object.toString();
    }

    private static String relative(Path repo, String path) {
        return repo.relativize(Path.of(path)).toString();
    }
}
