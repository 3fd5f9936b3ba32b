package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's story with `init --encrypt`: a cluster archives through bin/lifeboat with a key
 * file into an encrypted directory repository, a backup is taken, secret rows are written, and a
 * point-in-time restore brings back exactly the rows of that moment; meanwhile no stored object
 * holds the secret, in the clear or compressed, while a plain repository of the same rows does.
 * Without the right key nothing is restored.
 */
class EncryptedRepositoryIT {

    private static final String CHECKSUM = PointInTimeRestoreIT.CHECKSUM;
    /** Random per run, so that only these rows can put it into a file. */
    private static final String MARKER = "lifeboat-secret-" + HexFormat.of().formatHex(TestKeyFile.randomBytes(12));

    private static TestKeyFile key;
    private static Path keyFile;
    private static ArchivingCluster source;

    @BeforeAll
    static void encryptedRepositoryWithABackup() {
        key = TestKeyFile.create("lifeboat-keys-");
        keyFile = key.path();
        source = ArchivingCluster.startEncrypted(key);
        assertThat(source.init().stdout()).contains("encrypted (aes256-gcm-hkdf-1mb), data key wrapped with a key file")
                .contains("--key-file " + keyFile);

        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'order ' || g || ' " + MARKER + "' FROM generate_series(1, 500) g");
        Lifeboat.Run backup = lifeboat("backup", "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (key != null) {
            key.close();
        }
    }

    @Test
    void pointInTimeRestoreBringsBackTheRowsAndNoObjectHoldsThemInTheClear() {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'later ' || g || ' " + MARKER + "' FROM generate_series(501, 800) g");
        Instant target = Instant.parse(ClusterSql.queryForString(source.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String expected = ClusterSql.queryForString(source.cluster(), CHECKSUM);
        ArchivingCluster.sleep(20);
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 5 = 0");
        source.switchAndWaitForArchive();

        Path pgdata = source.newDirectory("restored");
        int port = ArchivingCluster.freePort();
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        Lifeboat.Run restore = source.restore(pgdata, port, "--key-file", keyFile.toString(), "--target-time", time);
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        try {
            assertThat(ArchivingCluster.query(port, CHECKSUM)).isEqualTo(expected);
        } finally {
            source.stopRestored(pgdata);
        }

        List<Path> objects = storedObjects(source.repository());
        assertThat(objects).hasSizeGreaterThan(5);
        assertThat(objects.stream().filter(o -> holdsMarker(o)).toList()).as("objects holding the marker").isEmpty();
        assertThat(read(source.repository().resolve("lifeboat.json"))).contains("\"encryption\" : \"aes256-gcm-hkdf-1mb\"")
                .doesNotContain(read(keyFile).strip());
    }

    @Test
    void aPlainRepositoryOfTheSameRowsHoldsTheMarkerSoTheSearchCanFindIt() {
        try (ArchivingCluster plain = ArchivingCluster.start()) {
            ClusterSql.execute(plain.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
            ClusterSql.execute(plain.cluster(), "INSERT INTO orders SELECT g, 'order ' || g || ' " + MARKER + "' FROM generate_series(1, 500) g");
            Lifeboat.Run backup = plain.backup();
            assertThat(backup.exitCode()).as(backup.toString()).isZero();
            plain.switchAndWaitForArchive();

            assertThat(storedObjects(plain.repository()).stream().filter(o -> holdsMarker(o)).toList()).isNotEmpty();
        }
    }

    @Test
    void aWrongKeyIsRefusedWithExit15BeforeTheDestinationIsWritten() throws IOException {
        Path pgdata = source.newDirectory("never-restored");
        Path otherKey = keyFile.resolveSibling("other.key");
        Files.writeString(otherKey, Base64.getEncoder().encodeToString(TestKeyFile.randomBytes(32)));
        Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));

        Lifeboat.Run wrongKey = source.restore(pgdata, ArchivingCluster.freePort(), "--key-file", otherKey.toString(), "--target", "latest");
        assertThat(wrongKey.exitCode()).as(wrongKey.toString()).isEqualTo(15);
        assertThat(wrongKey.stderr()).contains("the key file " + otherKey + " does not open repository " + source.repository());

        Lifeboat.Run passphrase = Lifeboat.run(Map.of("LIFEBOAT_PASSPHRASE", "not the key"), "restore", "--repo",
                source.repository().toString(), "--pgdata", pgdata.toString(), "--port", Integer.toString(ArchivingCluster.freePort()), "--target", "latest");
        assertThat(passphrase.exitCode()).as(passphrase.toString()).isEqualTo(15);
        assertThat(passphrase.stderr()).contains("is encrypted with a key file, and a passphrase was given")
                .doesNotContain("not the key");

        Lifeboat.Run noKey = Lifeboat.run("info", "--repo", source.repository().toString());
        assertThat(noKey.exitCode()).as(noKey.toString()).isEqualTo(15);
        assertThat(noKey.stderr()).contains("repository " + source.repository() + " is encrypted and no key was given");
        assertThat(pgdata).doesNotExist();
    }

    private static Lifeboat.Run lifeboat(String command, String... args) {
        return key.lifeboat(source.repository(), command, args);
    }

    /** Every stored object but the files of an upload in flight. */
    private static List<Path> storedObjects(Path repository) {
        try (Stream<Path> walk = Files.walk(repository)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".tmp-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsMarker(Path object) {
        return StoredText.holds(object, MARKER);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
