package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.testing.TestClusters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A random repository key in a 0600 file, in a scratch directory handed to the server user:
 * archive_command runs as that user, and Lifeboat refuses a key file its reader does not own.
 */
final class TestKeyFile implements AutoCloseable {

    private final ScratchDirectory directory;
    private final Path path;

    private TestKeyFile(ScratchDirectory directory, Path path) {
        this.directory = directory;
        this.path = path;
    }

    static TestKeyFile create(String prefix) {
        ScratchDirectory directory = ScratchDirectory.create(prefix);
        try {
            Path path = directory.resolve("repo.key");
            Files.writeString(path, Base64.getEncoder().encodeToString(randomBytes(32)) + "\n");
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            TestClusters.serverUser().handOver(directory.path());
            return new TestKeyFile(directory, path);
        } catch (IOException e) {
            directory.close();
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return path;
    }

    /** Runs `lifeboat COMMAND --repo REPO --key-file KEY ARGS...`. */
    Lifeboat.Run lifeboat(Path repository, String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--repo", repository.toString(), "--key-file", path.toString()));
        all.addAll(List.of(args));
        return Lifeboat.run(all.toArray(String[]::new));
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public void close() {
        directory.close();
    }
}
