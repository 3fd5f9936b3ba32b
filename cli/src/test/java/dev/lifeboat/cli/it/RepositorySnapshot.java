package dev.lifeboat.cli.it;

import dev.lifeboat.core.codec.ObjectCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file of a filesystem repository with its checksum: equal snapshots, untouched repository. */
public final class RepositorySnapshot {

    private RepositorySnapshot() {
    }

    public static Map<String, String> of(Path repository) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(repository)) {
            walk.filter(Files::isRegularFile).forEach(p -> files.put(repository.relativize(p).toString(), ObjectCodec.sha256(p)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }
}
