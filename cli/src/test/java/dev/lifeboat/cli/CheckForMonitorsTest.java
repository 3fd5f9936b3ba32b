package dev.lifeboat.cli;

import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStores;
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
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * check --output nagios on repositories made in the test (no cluster): an encrypted repository
 * without its key cannot be evaluated (UNKNOWN, saying how to give one); with the key it is read.
 */
class CheckForMonitorsTest {

    @TempDir
    Path temp;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @Test
    void anEncryptedRepositoryWithoutItsKeyIsUnknownAndWithItIsRead() throws IOException {
        Path repository = Files.createDirectories(temp.resolve("repo"));
        Path keyFile = temp.resolve("repo.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        KeyFile keys = new KeyFile(keyFile);
        BlobStore store = BlobStores.open(repository.toString());
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        RepositoryDescriptor encrypted = new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM,
                plain.created(), plain.createdBy(), WrappedKeyset.create(keys, plain.systemIdentifier(), store.location()));
        Repository.initialize(store, encrypted, keys).close();

        Result withoutKey = run("check", "--repo", repository.toString(), "--output", "nagios");
        assertThat(withoutKey.exitCode()).as(withoutKey.toString()).isEqualTo(3);
        assertThat(withoutKey.stdout()).startsWith("LIFEBOAT UNKNOWN - repository " + repository + " cannot be checked: ")
                .contains("is encrypted and no key was given");
        assertThat(withoutKey.stdout().lines().count()).isEqualTo(2);

        Result withKey = run("check", "--repo", repository.toString(), "--key-file", keyFile.toString(), "--output", "nagios");
        assertThat(withKey.exitCode()).as(withKey.toString()).isEqualTo(2);
        assertThat(withKey.stdout()).startsWith("LIFEBOAT CRITICAL - the repository holds no backup");
    }

    @Test
    void noRepositoryAtAllIsUnknownForNagiosAndAnErrorForPrometheus() {
        Result nagios = run("check", "--output", "nagios");
        assertThat(nagios.exitCode()).as(nagios.toString()).isEqualTo(3);
        assertThat(nagios.stdout()).startsWith("LIFEBOAT UNKNOWN - repository (none) cannot be checked: --repo is required");

        Result prometheus = run("check", "--output", "prometheus");
        assertThat(prometheus.exitCode()).isEqualTo(2);
        assertThat(prometheus.stdout()).isEmpty();
        assertThat(prometheus.stderr()).contains("--repo is required");
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
