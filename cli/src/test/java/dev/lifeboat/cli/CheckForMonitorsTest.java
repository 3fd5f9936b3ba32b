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

    @Test
    void aUsageErrorIsUnknownForNagiosAndStaysExit2Otherwise() {
        Path repository = temp.resolve("repo");
        Result badValue = run("check", "--repo", repository.toString(), "--output", "nagios", "--backup-age-warning", "soon");
        assertThat(badValue.exitCode()).as(badValue.toString()).isEqualTo(3);
        assertThat(badValue.stdout()).startsWith("LIFEBOAT UNKNOWN - usage error: ").contains("--backup-age-warning").contains("soon");
        assertThat(badValue.stdout().lines().findFirst().orElseThrow()).doesNotContain("|");
        assertThat(badValue.stderr()).startsWith("lifeboat: error: ");

        Result unknownFlag = run("status", "--output=nagios", "--no-such-flag");
        assertThat(unknownFlag.exitCode()).as(unknownFlag.toString()).isEqualTo(3);
        assertThat(unknownFlag.stdout()).startsWith("LIFEBOAT UNKNOWN - usage error: Unknown option: '--no-such-flag'");

        Result fromEnvironment = run(Map.of("LIFEBOAT_OUTPUT", "nagios"), "check", "--ready-critical", "-1");
        assertThat(fromEnvironment.exitCode()).as(fromEnvironment.toString()).isEqualTo(3);
        assertThat(fromEnvironment.stdout()).startsWith("LIFEBOAT UNKNOWN - usage error: ").contains("--ready-critical");

        Result configured = run(Map.of("LIFEBOAT_READY_CRITICAL", "-1"), "check", "--repo", repository.toString(), "--output", "nagios");
        assertThat(configured.exitCode()).as(configured.toString()).isEqualTo(3);
        assertThat(configured.stdout()).startsWith("LIFEBOAT UNKNOWN - configuration error: environment variable LIFEBOAT_READY_CRITICAL: bad value: ");
        assertThat(configured.stderr()).contains("environment variable LIFEBOAT_READY_CRITICAL");

        Result text = run("check", "--repo", repository.toString(), "--backup-age-warning", "soon");
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(2);
        assertThat(text.stdout()).isEmpty();
        assertThat(text.stderr()).startsWith("lifeboat: error: ").contains("--backup-age-warning");
        assertThat(run("check", "--output", "prometheus", "--no-such-flag").exitCode()).isEqualTo(2);
    }

    private static Result run(String... args) {
        return run(Map.of(), args);
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
