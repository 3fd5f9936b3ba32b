package dev.lifeboat.core.crypto;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key a restored server's restore_command gets for a passphrase repository: the stretched
 * KEK in a 0600 file that opens that repository (and no other), never the passphrase.
 */
class DerivedKeyFileTest {

    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    @Test
    void theFileWrittenAfterOpeningWithThePassphraseOpensTheRepositoryAndHoldsNoPassphrase() throws IOException {
        InMemoryBlobStore raw = passphraseRepository("one");
        Passphrase passphrase = Passphrase.of(PASSPHRASE, "test passphrase");
        try (Repository repository = Repository.open(raw, passphrase)) {
            repository.store().put("data/x", BlobContent.of("rows".getBytes(StandardCharsets.UTF_8)), PutMode.CREATE_ONLY);
            assertThat(repository.keys()).isSameAs(passphrase);
        }
        Path file = dir.resolve("pg_wal/.lifeboat/repository.key");

        assertThat(DerivedKeyFile.write(file, passphrase)).isTrue();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith(DerivedKeyFile.MARKER + "\nargon2id 65536 3 1 ").doesNotContain("horse");
        try (Repository repository = Repository.open(raw, new KeyFile(file))) {
            assertThat(repository.store().get("data/x").readAllBytes()).isEqualTo("rows".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void itOpensNoOtherRepositoryAndCreatesNone() throws IOException {
        InMemoryBlobStore one = passphraseRepository("one");
        InMemoryBlobStore two = passphraseRepository("two"); // the same passphrase, another salt
        Passphrase passphrase = Passphrase.of(PASSPHRASE, "test passphrase");
        Repository.open(one, passphrase).close();
        Path file = dir.resolve("repository.key");
        DerivedKeyFile.write(file, passphrase);

        assertThatThrownBy(() -> Repository.open(two, new KeyFile(file)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining("key file " + file + " holds no key derived with repository mem://two's passphrase salt");
        assertThatThrownBy(() -> new KeyFile(file).newWrapping())
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining("holds keys derived from a passphrase");
    }

    @Test
    void aKeyFileRepositoryRefusesIt() throws IOException {
        InMemoryBlobStore one = passphraseRepository("one");
        Passphrase passphrase = Passphrase.of(PASSPHRASE, "test passphrase");
        Repository.open(one, passphrase).close();
        Path derived = dir.resolve("repository.key");
        DerivedKeyFile.write(derived, passphrase);
        Path own = dir.resolve("own.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(own, Base64.getEncoder().encodeToString(key));
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
        InMemoryBlobStore keyFileRepository = initialize(new InMemoryBlobStore("three"), new KeyFile(own));

        assertThatThrownBy(() -> Repository.open(keyFileRepository, new KeyFile(derived)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining("is encrypted with a key file, and key file " + derived + " holds keys derived from a passphrase");
    }

    @Test
    void nothingIsWrittenForAKeyOtherThanAPassphrase() throws IOException {
        Path file = dir.resolve("repository.key");
        assertThat(DerivedKeyFile.write(file, KeyEncryptionKeySource.none())).isFalse();
        assertThat(DerivedKeyFile.write(file, Passphrase.of(PASSPHRASE, "never used"))).isFalse();
        assertThat(file).doesNotExist();
    }

    private InMemoryBlobStore passphraseRepository(String name) {
        return initialize(new InMemoryBlobStore(name), Passphrase.of(PASSPHRASE, "init passphrase"));
    }

    private static InMemoryBlobStore initialize(InMemoryBlobStore raw, KeyEncryptionKeySource key) {
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        RepositoryDescriptor encrypted = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM,
                plain.created(), plain.createdBy(), WrappedKeyset.create(key, plain.systemIdentifier(), raw.location()));
        Repository.initialize(raw, encrypted, key).close();
        return raw;
    }
}
