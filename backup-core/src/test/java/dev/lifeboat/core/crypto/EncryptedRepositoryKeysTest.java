package dev.lifeboat.core.crypto;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.key.KeyRotateService;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who may open an encrypted repository: the right key opens it, anything else is refused with KEY before a read. */
class EncryptedRepositoryKeysTest {

    @TempDir
    Path dir;

    private final InMemoryBlobStore raw = new InMemoryBlobStore("bucket");

    @Test
    void theKeyFileThatCreatedTheRepositoryOpensIt() throws IOException {
        KeyFile key = keyFile("repo.key", "rw-------", true);
        initialize(key);

        try (Repository repository = Repository.open(raw, key)) {
            repository.store().put("data/b1/x", BlobContent.of(utf8("secret rows")), PutMode.CREATE_ONLY);
            assertThat(read(repository.store().get("data/b1/x"))).isEqualTo("secret rows");
        }
        assertThat(read(raw.get("data/b1/x"))).doesNotContain("secret rows");
        String descriptor = read(raw.get("lifeboat.json"));
        assertThat(descriptor).contains("\"format\" : 2", "\"encryption\" : \"aes256-gcm-hkdf-1mb\"", "\"method\" : \"key-file\"");
        assertThat(descriptor).doesNotContain(Files.readString(key.file()).strip());
    }

    @Test
    void withoutAKeyAnEncryptedRepositoryIsRefusedSayingHowToGiveOne() throws IOException {
        initialize(keyFile("repo.key", "rw-------", true));

        assertKeyRefused(() -> Repository.open(raw), "repository mem://bucket is encrypted and no key was given");
        assertThatThrownBy(() -> Repository.open(raw)).hasFieldOrPropertyWithValue("hint",
                MissingKey.HOW_TO_GIVE_ONE + " (its data key is wrapped with a key file)");
    }

    @Test
    void anotherKeyFileIsRefused() throws IOException {
        initialize(keyFile("repo.key", "rw-------", true));

        assertKeyRefused(() -> Repository.open(raw, keyFile("other.key", "rw-------", false)),
                "does not open repository mem://bucket (wrong key file");
    }

    @Test
    void aKeyFileOthersCanReadIsRefusedNamingItsMode() throws IOException {
        KeyFile key = keyFile("repo.key", "rw-------", true);
        initialize(key);
        Files.setPosixFilePermissions(key.file(), PosixFilePermissions.fromString("rw-r--r--"));

        assertKeyRefused(() -> Repository.open(raw, key), "key file " + key.file() + " is readable or writable by others (mode 0644)");
    }

    @Test
    void aKeyFileThatIsNot32BytesIsRefusedWithoutShowingItsContent() throws IOException {
        Path file = dir.resolve("short.key");
        Files.writeString(file, "hunter2-not-a-key\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> new KeyFile(file).newWrapping())
                .hasMessage("key file " + file + " does not hold 32 bytes, raw or base64")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aWrongPassphraseIsRefusedAndTheRightOneOpens() {
        initialize(Passphrase.of("correct horse battery staple", "environment variable LIFEBOAT_PASSPHRASE"));

        assertKeyRefused(() -> Repository.open(raw, Passphrase.of("Tr0ub4dor&3", "environment variable LIFEBOAT_PASSPHRASE")),
                "the environment variable LIFEBOAT_PASSPHRASE does not open repository mem://bucket (wrong passphrase");
        Repository.open(raw, Passphrase.fromCommand("printf 'correct horse battery staple\\nsecond line\\n'", "passphrase command")).close();
        String descriptor = read(raw.get("lifeboat.json"));
        assertThat(descriptor).contains("\"algorithm\" : \"argon2id\"", "\"memoryKiB\" : 65536", "\"salt\"")
                .doesNotContain("correct horse");
    }

    @Test
    void aPassphraseCommandThatFailsIsRefused() {
        initialize(Passphrase.of("pw", "LIFEBOAT_PASSPHRASE"));

        assertKeyRefused(() -> Repository.open(raw, Passphrase.fromCommand("exit 3", "passphrase command (--passphrase-command)")),
                "the passphrase command (--passphrase-command) failed with exit status 3");
    }

    @Test
    void aPassphraseGivenToAKeyFileRepositoryIsRefusedNamingWhatIsNeeded() throws IOException {
        initialize(keyFile("repo.key", "rw-------", true));

        assertKeyRefused(() -> Repository.open(raw, Passphrase.of("pw", "LIFEBOAT_PASSPHRASE")),
                "repository mem://bucket is encrypted with a key file, and a passphrase was given");
    }

    @Test
    void aPlainRepositoryIgnoresAKey() throws IOException {
        Repository.initialize(raw, TestRepositoryDescriptor.standard());
        try (Repository repository = Repository.open(raw, keyFile("repo.key", "rw-------", true))) {
            repository.store().put("data/b1/x", BlobContent.of(utf8("rows")), PutMode.CREATE_ONLY);
        }
        assertThat(read(raw.get("data/b1/x"))).isEqualTo("rows");
    }

    @Test
    void keyRotateRewrapsTheKeysetLeavesDataUntouchedAndRefusesTheOldPassphrase() throws IOException {
        Passphrase old = Passphrase.of("old passphrase", "LIFEBOAT_PASSPHRASE");
        initialize(old);
        try (Repository repository = Repository.open(raw, old)) {
            repository.store().put("data/b1/x", BlobContent.of(utf8("rows")), PutMode.CREATE_ONLY);
            repository.store().put("wal/00000001/000000010000000000000001", BlobContent.of(utf8("wal")), PutMode.CREATE_ONLY);
        }
        Map<String, String> before = dataObjects();
        String oldSalt = Repository.readDescriptor(raw).orElseThrow().dataKeyset().wrapping().kdf().salt();

        Passphrase renewed = Passphrase.of("new passphrase", "LIFEBOAT_NEW_PASSPHRASE");
        KeyRotateService.Result result = new KeyRotateService().run(raw, old, renewed);

        assertThat(result.keyIds()).hasSize(1);
        assertThat(dataObjects()).isEqualTo(before);
        assertThat(Repository.readDescriptor(raw).orElseThrow().dataKeyset().wrapping().kdf().salt()).isNotEqualTo(oldSalt);
        assertKeyRefused(() -> Repository.open(raw, old), "does not open repository mem://bucket (wrong passphrase");
        try (Repository repository = Repository.open(raw, Passphrase.of("new passphrase", "LIFEBOAT_PASSPHRASE"))) {
            assertThat(read(repository.store().get("data/b1/x"))).isEqualTo("rows");
        }

        KeyFile file = keyFile("repo.key", "rw-------", true);
        new KeyRotateService().run(raw, renewed, file);
        try (Repository repository = Repository.open(raw, file)) {
            assertThat(read(repository.store().get("wal/00000001/000000010000000000000001"))).isEqualTo("wal");
        }
        assertThat(dataObjects()).isEqualTo(before);
    }

    @Test
    void keyRotateWithAWrongOldKeyChangesNothing() throws IOException {
        initialize(Passphrase.of("old passphrase", "LIFEBOAT_PASSPHRASE"));
        String descriptor = read(raw.get("lifeboat.json"));

        assertKeyRefused(() -> new KeyRotateService().run(raw, Passphrase.of("guess", "LIFEBOAT_PASSPHRASE"),
                Passphrase.of("new", "LIFEBOAT_NEW_PASSPHRASE")), "does not open repository mem://bucket");
        assertThat(read(raw.get("lifeboat.json"))).isEqualTo(descriptor);
    }

    private void initialize(KeyEncryptionKeySource key) {
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        RepositoryDescriptor encrypted = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM,
                plain.created(), plain.createdBy(), WrappedKeyset.create(key, plain.systemIdentifier(), raw.location()));
        Repository.initialize(raw, encrypted, key).close();
    }

    private Map<String, String> dataObjects() {
        Map<String, String> objects = new TreeMap<>();
        try (var listed = raw.list("")) {
            for (BlobInfo blob : listed.toList()) {
                if (!blob.key().equals("lifeboat.json")) {
                    objects.put(blob.key(), Base64.getEncoder().encodeToString(readBytes(raw.get(blob.key()))));
                }
            }
        }
        return objects;
    }

    private KeyFile keyFile(String name, String mode, boolean base64) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = dir.resolve(name);
        Files.write(file, base64 ? (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII) : key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return new KeyFile(file);
    }

    private static void assertKeyRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining(message);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(InputStream in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
