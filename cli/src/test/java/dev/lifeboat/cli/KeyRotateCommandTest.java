package dev.lifeboat.cli;

import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.lock.RepositoryLock;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.PutMode;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `lifeboat key rotate` on a directory repository: the new key opens it, the old one is refused with exit 15, data stays. */
class KeyRotateCommandTest {

    @TempDir
    Path dir;

    private Path repo;
    private Path oldKey;
    private Path dataObject;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void encryptedRepository() throws IOException {
        repo = dir.resolve("repo");
        oldKey = keyFile("old.key");
        KeyFile key = new KeyFile(oldKey);
        try (BlobStore store = BlobStores.open(repo.toString())) {
            RepositoryDescriptor descriptor = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, "7441", 15, "15.18", 16 << 20,
                    new RepositoryDescriptor.Compression("zstd", 1), DataKeyset.ALGORITHM, Instant.parse("2026-11-20T14:00:00Z"), "test",
                    WrappedKeyset.create(key, "7441", store.location()));
            try (Repository repository = Repository.initialize(store, descriptor, key)) {
                repository.store().put("data/20261120-140000F/file", BlobContent.of("rows".getBytes(StandardCharsets.UTF_8)),
                        PutMode.CREATE_ONLY);
            }
        }
        dataObject = repo.resolve("data/20261120-140000F/file");
    }

    @Test
    void rotateToANewKeyFileThenOnlyTheNewKeyOpensTheRepository() throws IOException {
        byte[] before = Files.readAllBytes(dataObject);
        Path newKey = keyFile("new.key");

        Result rotate = run(Map.of(), "key", "rotate", "--repo", repo.toString(), "--key-file", oldKey.toString(),
                "--new-key-file", newKey.toString());

        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();
        assertThat(rotate.stdout()).contains("data key now wrapped with the key file " + newKey);
        assertThat(Files.readAllBytes(dataObject)).isEqualTo(before);
        Result old = run(Map.of(), "info", "--repo", repo.toString(), "--key-file", oldKey.toString());
        assertThat(old.exitCode()).isEqualTo(15);
        assertThat(old.stderr()).contains("the key file " + oldKey + " does not open repository");
        try (BlobStore store = BlobStores.open(repo.toString());
             Repository repository = Repository.open(store, new KeyFile(newKey))) {
            assertThat(repository.store().get("data/20261120-140000F/file").readAllBytes()).isEqualTo("rows".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void rotateToAPassphraseFromTheEnvironment() {
        Result rotate = run(Map.of("LIFEBOAT_NEW_PASSPHRASE", "a long new passphrase"), "key", "rotate", "--repo", repo.toString(),
                "--key-file", oldKey.toString());
        assertThat(rotate.exitCode()).as(rotate.stderr()).isZero();

        Result wrong = run(Map.of("LIFEBOAT_PASSPHRASE", "another passphrase"), "info", "--repo", repo.toString());
        assertThat(wrong.exitCode()).isEqualTo(15);
        assertThat(wrong.stderr()).contains("does not open repository").doesNotContain("another passphrase");
    }

    @Test
    void rotateWithoutANewKeyIsRefusedAndChangesNothing() throws IOException {
        String descriptor = Files.readString(repo.resolve("lifeboat.json"));

        Result rotate = run(Map.of(), "key", "rotate", "--repo", repo.toString(), "--key-file", oldKey.toString());

        assertThat(rotate.exitCode()).isEqualTo(15);
        assertThat(rotate.stderr()).contains("key rotate needs the new key and none was given");
        assertThat(Files.readString(repo.resolve("lifeboat.json"))).isEqualTo(descriptor);
    }

    @Test
    void rotateWhileAnotherCommandHoldsTheLockIsRefusedWithExit14AndChangesNothing() throws IOException {
        String descriptor = Files.readString(repo.resolve("lifeboat.json"));
        try (BlobStore store = BlobStores.open(repo.toString());
             Repository repository = Repository.open(store, new KeyFile(oldKey));
             RepositoryLock held = RepositoryLock.acquire(repository.store(), "expire")) {

            Result rotate = run(Map.of(), "key", "rotate", "--repo", repo.toString(), "--key-file", oldKey.toString(),
                    "--new-key-file", keyFile("new.key").toString());

            assertThat(rotate.exitCode()).as(rotate.stderr()).isEqualTo(14);
            assertThat(rotate.stderr()).contains("expire");
        }
        assertThat(Files.readString(repo.resolve("lifeboat.json"))).isEqualTo(descriptor);
    }

    @Test
    void aSecondRotationFromTheReplacedKeyIsRefusedSoTheFirstRotationsKeyStillOpensTheRepository() throws IOException {
        Path first = keyFile("first.key");
        Path second = keyFile("second.key");
        assertThat(run(Map.of(), "key", "rotate", "--repo", repo.toString(), "--key-file", oldKey.toString(),
                "--new-key-file", first.toString()).exitCode()).isZero();

        Result late = run(Map.of(), "key", "rotate", "--repo", repo.toString(), "--key-file", oldKey.toString(),
                "--new-key-file", second.toString());

        assertThat(late.exitCode()).isEqualTo(15);
        assertThat(late.stderr()).contains("does not open repository");
        assertThat(run(Map.of(), "info", "--repo", repo.toString(), "--key-file", first.toString()).exitCode()).isZero();
    }

    @Test
    void helpNamesTheKeyOptions() {
        assertThat(run(Map.of(), "key", "rotate", "--help").stdout()).contains("--new-key-file", "--new-passphrase-command",
                "LIFEBOAT_NEW_PASSPHRASE", "--key-file", "--passphrase-command", "--lock-wait");
        assertThat(run(Map.of(), "init", "--help").stdout()).contains("--encrypt", "--key-file", "--passphrase-command");
    }

    private Path keyFile(String name) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = dir.resolve(name);
        Files.writeString(file, Base64.getEncoder().encodeToString(key));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
