package dev.lifeboat.cli;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `lifeboat replicate` from an encrypted directory repository: with the source's key the target
 * gets the ciphertext byte for byte; with --to-key-file it gets its own data key and only that key
 * opens it (exit 15 for the source's).
 */
class ReplicateEncryptedCommandTest {

    private static final String HISTORY = "00000002.history";

    @TempDir
    Path dir;

    private Path source;
    private Path sourceKey;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void encryptedSourceWithAHistoryFile() throws IOException {
        source = dir.resolve("source");
        sourceKey = keyFile("source.key");
        KeyFile key = new KeyFile(sourceKey);
        try (BlobStore store = BlobStores.open(source.toString())) {
            RepositoryDescriptor descriptor = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, "7441", 15, "15.18", 16 << 20,
                    new RepositoryDescriptor.Compression("zstd", 1), DataKeyset.ALGORITHM, Instant.parse("2026-11-20T14:00:00Z"), "test",
                    WrappedKeyset.create(key, "7441", store.location()));
            try (Repository repository = Repository.initialize(store, descriptor, key)) {
                Path history = Files.writeString(dir.resolve(HISTORY), "1\t0/3000000\tno recovery target specified\n");
                repository.wal().push(HISTORY, history, ObjectCodec.sha256(history), null);
            }
        }
    }

    @Test
    void withTheSourcesKeyTheTargetGetsTheCiphertextByteForByte() throws IOException {
        Path target = dir.resolve("target");

        Result replicate = run("replicate", "--from", source.toString(), "--to", target.toString(), "--key-file", sourceKey.toString(),
                "--output", "json");

        assertThat(replicate.exitCode()).as(replicate.stderr()).isZero();
        assertThat(replicate.stdout()).contains("\"transfer\" : \"CIPHERTEXT\"").contains("\"objectsCopiedAsCiphertext\" : 1");
        Path ours = walObject(source);
        assertThat(Files.readAllBytes(target.resolve(source.relativize(ours)))).isEqualTo(Files.readAllBytes(ours));
        assertThat(run("info", "--repo", target.toString(), "--key-file", sourceKey.toString()).exitCode()).isZero();
    }

    @Test
    void withATargetKeyTheTargetIsReencryptedAndTheSourcesKeyNoLongerOpensIt() throws IOException {
        Path target = dir.resolve("target");
        Path targetKey = keyFile("target.key");

        Result replicate = run("replicate", "--from", source.toString(), "--to", target.toString(), "--key-file", sourceKey.toString(),
                "--to-key-file", targetKey.toString());

        assertThat(replicate.exitCode()).as(replicate.stderr()).isZero();
        assertThat(replicate.stdout()).contains("(new repository)").contains("objects decrypted and encrypted again");
        Path ours = walObject(source);
        assertThat(Files.readAllBytes(target.resolve(source.relativize(ours)))).isNotEqualTo(Files.readAllBytes(ours));
        Result withSourceKey = run("info", "--repo", target.toString(), "--key-file", sourceKey.toString());
        assertThat(withSourceKey.exitCode()).isEqualTo(15);
        assertThat(withSourceKey.stderr()).contains("does not open repository " + target);
        try (BlobStore store = BlobStores.open(target.toString()); Repository repository = Repository.open(store, new KeyFile(targetKey))) {
            assertThat(repository.wal().find(HISTORY)).isPresent();
        }
    }

    @Test
    void aTargetWithAnotherKeyAndNoKeyGivenForItIsRefusedWithExit15AndLeftAsItWas() throws IOException {
        Path target = dir.resolve("target");
        Path targetKey = keyFile("target.key");
        assertThat(run("replicate", "--from", source.toString(), "--to", target.toString(), "--key-file", sourceKey.toString(),
                "--to-key-file", targetKey.toString()).exitCode()).isZero();
        byte[] descriptor = Files.readAllBytes(target.resolve("lifeboat.json"));

        Result again = run("replicate", "--from", source.toString(), "--to", target.toString(), "--key-file", sourceKey.toString());

        assertThat(again.exitCode()).isEqualTo(15);
        assertThat(again.stderr()).contains("does not open repository " + target);
        assertThat(Files.readAllBytes(target.resolve("lifeboat.json"))).isEqualTo(descriptor);
        assertThat(target.resolve("locks")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    private static Path walObject(Path repository) throws IOException {
        try (Stream<Path> files = Files.walk(repository.resolve("wal"))) {
            List<Path> objects = files.filter(Files::isRegularFile).toList();
            assertThat(objects).hasSize(1);
            return objects.get(0);
        }
    }

    private Path keyFile(String name) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = dir.resolve(name);
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
