package dev.lifeboat.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A scheduled replicate of an encrypted repository: the target takes the job's to-key-file when
 * it names one (and then only that key opens it), else the repository's own key, as the command
 * does with --to-key-file.
 */
class ScheduledEncryptedReplicateTest {

    private static final String SEGMENT = "000000010000000000000002";

    @TempDir
    Path temp;

    private Path sourceKey;
    private byte[] segment;

    @BeforeEach
    void encryptedRepositoryWithOneSegment() throws IOException {
        InMemoryBlobStore.forgetAllNamed();
        sourceKey = keyFile("source.key");
        InMemoryBlobStore store = InMemoryBlobStore.named("eu");
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        KeyFile key = new KeyFile(sourceKey);
        Repository repository = Repository.initialize(store, new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT,
                plain.systemIdentifier(), plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(),
                DataKeyset.ALGORITHM, plain.created(), plain.createdBy(),
                WrappedKeyset.create(key, plain.systemIdentifier(), store.location())), key);
        segment = TestSegments.withContent(SEGMENT, plain.systemIdentifier(), "scheduled replicate ".repeat(100));
        Path file = Files.write(temp.resolve(SEGMENT), segment);
        repository.wal().push(SEGMENT, file, ObjectCodec.sha256(file), null);
    }

    @AfterEach
    void forget() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void aJobWithAToKeyFileEncryptsTheTargetUnderThatKeyOnly() throws Exception {
        Path targetKey = keyFile("target.key");

        run("""
                {"repo": "mem://eu", "key-file": "%s",
                 "schedule": {"jobs": [{"name": "to-us", "kind": "replicate", "every": "1h", "to": "mem://us", "to-key-file": "%s"}]}}
                """.formatted(sourceKey, targetKey));

        assertThat(segmentIn(new KeyFile(targetKey))).isEqualTo(segment);
        assertThatThrownBy(() -> Repository.open(InMemoryBlobStore.named("us"), new KeyFile(sourceKey)))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY));
    }

    @Test
    void aJobWithoutATargetKeyGivesTheTargetTheRepositorysKey() throws Exception {
        run("""
                {"repo": "mem://eu", "key-file": "%s",
                 "schedule": {"jobs": [{"name": "to-us", "kind": "replicate", "every": "1h", "to": "mem://us"}]}}
                """.formatted(sourceKey));

        assertThat(segmentIn(new KeyFile(sourceKey))).isEqualTo(segment);
    }

    @Test
    void aMissingToKeyFileIsRefusedWhenTheScheduleIsRead() {
        assertThatThrownBy(() -> run("""
                {"repo": "mem://eu", "key-file": "%s",
                 "schedule": {"jobs": [{"name": "to-us", "kind": "replicate", "every": "1h", "to": "mem://us",
                                        "to-key-file": "%s"}]}}
                """.formatted(sourceKey, temp.resolve("no-such.key"))))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.KEY);
                    assertThat(e.getMessage()).contains("no-such.key");
                });
        assertThat(InMemoryBlobStore.named("us").list("").count()).isZero();
    }

    private static void run(String config) throws Exception {
        TaskCatalog catalog = TaskCatalog.standard(Map.of(), Clock.systemUTC(), new LifeboatCall(java.util.List.of("lifeboat"), java.util.List.of()));
        ScheduleDefinition schedule = ScheduleConfiguration.parse(new ObjectMapper().readTree(config), Map.of(), catalog);
        new JobRunner(schedule, catalog, Clock.systemUTC(), JobEvents.NONE).runOrThrow("to-us", "now", "test");
    }

    private byte[] segmentIn(KeyFile key) throws IOException {
        Repository target = Repository.open(InMemoryBlobStore.named("us"), key);
        Path fetched = temp.resolve("fetched-" + System.nanoTime());
        target.wal().fetch(target.wal().find(SEGMENT).orElseThrow(), fetched);
        return Files.readAllBytes(fetched);
    }

    private Path keyFile(String name) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = temp.resolve(name);
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
