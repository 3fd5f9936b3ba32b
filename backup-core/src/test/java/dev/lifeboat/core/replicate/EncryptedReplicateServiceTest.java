package dev.lifeboat.core.replicate;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.crypto.KeyFile;
import dev.lifeboat.core.crypto.WrappedKeyset;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryDescriptor;
import dev.lifeboat.core.repo.RepositoryLayout;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * replicate between encrypted repositories: with a shared data key the ciphertext travels as
 * stored (and is still authenticated); with another key everything is re-encrypted and only the
 * target's key opens the target; plain and encrypted repositories replicate both ways.
 */
class EncryptedReplicateServiceTest {

    private static final String BACKUP = "20261120-140000F";
    private static final String SEGMENT = "000000010000000000000004";
    /** Compressible, so that it would show in a stored object only if that object were not encrypted. */
    private static final String MARKER = "lifeboat-replicate-marker ";

    @TempDir
    Path temp;

    private final InMemoryBlobStore a = new InMemoryBlobStore("eu");
    private final InMemoryBlobStore b = new InMemoryBlobStore("us");

    @Test
    void withTheSameKeyTheTargetsObjectsAreTheSourcesCiphertextByteForByte() throws IOException {
        KeyFile key = keyFile("source.key");
        Repository source = encryptedSource(key);

        ReplicateResult result = replicate(source, key, ReplicateRequest.NewDataKey.SAME);

        assertThat(result.complete()).as(result.problems().toString()).isTrue();
        assertThat(result.transfer()).isEqualTo(ReplicateResult.Transfer.CIPHERTEXT);
        assertThat(result.objectsCopiedAsCiphertext()).isEqualTo(result.objectsCopied()).isEqualTo(4 + 2 + 1);
        Map<String, String> ours = contents(a);
        Map<String, String> theirs = contents(b);
        ours.remove(RepositoryLayout.DESCRIPTOR);
        theirs.remove(RepositoryLayout.DESCRIPTOR);
        assertThat(theirs).isEqualTo(ours);
        assertRestorable(b, key);
    }

    @Test
    void aTargetWithAnotherKeyButTheSameDataKeyGetsCiphertextAndOpensOnlyWithItsOwnKey() throws IOException {
        KeyFile sourceKey = keyFile("source.key");
        KeyFile targetKey = keyFile("target.key");
        Repository source = encryptedSource(sourceKey);

        ReplicateResult result = replicate(source, targetKey, ReplicateRequest.NewDataKey.SAME);

        assertThat(result.transfer()).isEqualTo(ReplicateResult.Transfer.CIPHERTEXT);
        assertThat(result.objectsCopiedAsCiphertext()).isEqualTo(7);
        assertRestorable(b, targetKey);
        assertKeyRefused(b, sourceKey);
    }

    @Test
    void withANewDataKeyEveryObjectIsReencryptedAndOnlyTheTargetKeyOpensTheTarget() throws IOException {
        KeyFile sourceKey = keyFile("source.key");
        KeyFile targetKey = keyFile("target.key");
        Repository source = encryptedSource(sourceKey);

        ReplicateResult result = replicate(source, targetKey, ReplicateRequest.NewDataKey.NEW);

        assertThat(result.complete()).as(result.problems().toString()).isTrue();
        assertThat(result.transfer()).isEqualTo(ReplicateResult.Transfer.REENCRYPTED);
        assertThat(result.objectsCopiedAsCiphertext()).isZero();
        Map<String, String> ours = contents(a);
        contents(b).forEach((key, sha) -> assertThat(sha).as(key).isNotEqualTo(ours.get(key)));
        assertRestorable(b, targetKey);
        assertKeyRefused(b, sourceKey);
        assertNoMarker(b);
    }

    @Test
    void anExistingTargetWithTheSameDataKeyIsFoundOutAndGetsCiphertext() throws IOException {
        KeyFile key = keyFile("source.key");
        Repository source = encryptedSource(key);
        replicate(source, key, ReplicateRequest.NewDataKey.SAME);
        b.delete(RepositoryLayout.manifest(BACKUP));
        try (Stream<BlobInfo> data = b.list(RepositoryLayout.dataPrefix(BACKUP))) {
            data.toList().forEach(o -> b.delete(o.key()));
        }

        ReplicateResult again = replicate(source, key, ReplicateRequest.NewDataKey.NEW); // the choice concerns only new targets

        assertThat(again.initialized()).isFalse();
        assertThat(again.transfer()).isEqualTo(ReplicateResult.Transfer.CIPHERTEXT);
        assertThat(again.objectsCopiedAsCiphertext()).isEqualTo(3);
        assertRestorable(b, key);
    }

    @Test
    void aTamperedCiphertextIsNotCopiedEvenWhenCopiedAsStored() throws IOException {
        KeyFile key = keyFile("source.key");
        Repository source = encryptedSource(key);
        String object = RepositoryLayout.dataObject(BACKUP, 2);
        byte[] bytes;
        try (InputStream in = a.get(object)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length - 5] ^= 0x01; // in the last segment's tag: only reading to the end finds it
        a.put(object, BlobContent.of(bytes), PutMode.REPLACE);

        ReplicateResult result = replicate(source, key, ReplicateRequest.NewDataKey.SAME);

        assertThat(result.problems()).extracting(ReplicateResult.Problem::code).contains(ErrorCode.CORRUPT);
        assertThat(result.problems()).extracting(ReplicateResult.Problem::message)
                .anySatisfy(m -> assertThat(m).contains(object).contains("failed authentication"));
        assertThat(b.stat(object)).isEmpty();
        assertThat(b.stat(RepositoryLayout.manifest(BACKUP))).isEmpty();
    }

    @Test
    void aPlainSourceReplicatedWithATargetKeyMakesAnEncryptedTarget() throws IOException {
        Repository source = Repository.initialize(a, TestRepositoryDescriptor.standard());
        fill(source);
        KeyFile targetKey = keyFile("target.key");

        ReplicateResult result = replicate(source, targetKey, ReplicateRequest.NewDataKey.NEW);

        assertThat(result.complete()).as(result.problems().toString()).isTrue();
        assertThat(result.transfer()).isEqualTo(ReplicateResult.Transfer.ENCRYPTED);
        assertThat(Repository.readDescriptor(b).orElseThrow().encrypted()).isTrue();
        assertRestorable(b, targetKey);
        assertThatThrownBy(() -> Repository.open(b)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY));
        assertNoMarker(b);
        assertThat(markerIn(a)).as("the plain source holds the marker in the clear").isTrue();
    }

    @Test
    void anEncryptedSourceReplicatesIntoAnExistingPlainTargetDecrypted() throws IOException {
        KeyFile key = keyFile("source.key");
        Repository source = encryptedSource(key);
        Repository.initialize(b, TestRepositoryDescriptor.standard()).close();

        ReplicateResult result = replicate(source, KeyEncryptionKeySource.none(), ReplicateRequest.NewDataKey.SAME);

        assertThat(result.complete()).as(result.problems().toString()).isTrue();
        assertThat(result.transfer()).isEqualTo(ReplicateResult.Transfer.DECRYPTED);
        assertRestorable(b, KeyEncryptionKeySource.none());
        assertThat(markerIn(b)).isTrue();
    }

    @Test
    void anEncryptedSourceIntoANewTargetWithoutAKeyIsRefusedBeforeAnythingIsWritten() throws IOException {
        Repository source = encryptedSource(keyFile("source.key"));

        assertThatThrownBy(() -> replicate(source, KeyEncryptionKeySource.none(), ReplicateRequest.NewDataKey.SAME))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining("no key for it was given");
        assertThat(contents(b)).isEmpty();
    }

    @Test
    void anExistingEncryptedTargetThatTheKeyDoesNotOpenIsRefusedBeforeAnythingIsWritten() throws IOException {
        KeyFile sourceKey = keyFile("source.key");
        Repository source = encryptedSource(sourceKey);
        initializeEncrypted(b, keyFile("target.key"));
        Map<String, String> before = contents(b);

        assertThatThrownBy(() -> replicate(source, sourceKey, ReplicateRequest.NewDataKey.SAME))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY))
                .hasMessageContaining("does not open repository mem://us");
        assertThat(contents(b)).isEqualTo(before);
    }

    private ReplicateResult replicate(Repository source, KeyEncryptionKeySource targetKey, ReplicateRequest.NewDataKey dataKey) {
        return new ReplicateService(source, b, targetKey, Duration.ZERO)
                .run(new ReplicateRequest(3, ProgressListener.NONE, dataKey));
    }

    private Repository encryptedSource(KeyFile key) throws IOException {
        Repository source = initializeEncrypted(a, key);
        fill(source);
        return source;
    }

    private static Repository initializeEncrypted(BlobStore store, KeyEncryptionKeySource key) {
        RepositoryDescriptor plain = TestRepositoryDescriptor.standard();
        return Repository.initialize(store, new RepositoryDescriptor(RepositoryDescriptor.ENCRYPTED_FORMAT, plain.systemIdentifier(),
                plain.pgMajor(), plain.pgVersion(), plain.walSegmentSize(), plain.compression(), DataKeyset.ALGORITHM,
                plain.created(), plain.createdBy(), WrappedKeyset.create(key, plain.systemIdentifier(), store.location())), key);
    }

    /** Four WAL segments (one with the marker) and a backup of segments 2 to 3. */
    private void fill(Repository source) throws IOException {
        for (int segment = 2; segment <= 5; segment++) {
            String name = String.format("0000000100000000000000%02X", segment);
            String content = (name.equals(SEGMENT) ? MARKER.repeat(50) : "segment " + segment + " ") + "x".repeat(10_000);
            Path file = Files.write(temp.resolve(name), TestSegments.withContent(name, "7441", content));
            source.wal().push(name, file, ObjectCodec.sha256(file), null);
        }
        ReplicateServiceTest.writeBackup(source, BACKUP, "000000010000000000000002", "000000010000000000000003");
    }

    /** What a restore needs reads back with {@code key}: the manifest, every data object checked, the WAL. */
    private static void assertRestorable(BlobStore store, KeyEncryptionKeySource key) throws IOException {
        Repository target = Repository.open(store, key);
        assertThat(target.backups().read(BACKUP).files()).hasSize(3);
        try (Stream<BlobInfo> data = target.store().list(RepositoryLayout.dataPrefix(BACKUP))) {
            for (BlobInfo object : data.toList()) {
                try (InputStream in = target.store().get(object.key())) {
                    assertThat(in.readAllBytes()).hasSize((int) object.size());
                }
            }
        }
        assertThat(target.wal().find(SEGMENT)).isPresent();
        assertThat(target.wal().list(null).count()).isEqualTo(4);
    }

    private static void assertKeyRefused(BlobStore store, KeyEncryptionKeySource key) {
        assertThatThrownBy(() -> Repository.open(store, key)).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.KEY));
    }

    private static void assertNoMarker(InMemoryBlobStore store) {
        assertThat(markerIn(store)).as("marker in a stored object of " + store.location()).isFalse();
    }

    /** Whether the marker shows in any stored object, compressed or not (zstd keeps a repeated phrase's first copy). */
    private static boolean markerIn(InMemoryBlobStore store) {
        return contentsAsText(store).values().stream().anyMatch(text -> text.contains(MARKER.strip()));
    }

    private static Map<String, String> contentsAsText(InMemoryBlobStore store) {
        Map<String, String> all = new TreeMap<>();
        try (Stream<BlobInfo> blobs = store.list("")) {
            blobs.toList().forEach(blob -> {
                try (InputStream in = store.get(blob.key())) {
                    all.put(blob.key(), new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return all;
    }

    private static Map<String, String> contents(InMemoryBlobStore store) {
        Map<String, String> all = new TreeMap<>();
        contentsAsText(store).forEach((key, text) -> all.put(key, ObjectCodec.sha256(text.getBytes(StandardCharsets.ISO_8859_1))));
        return all;
    }

    private KeyFile keyFile(String name) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path file = temp.resolve(name);
        Files.write(file, key);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new KeyFile(file);
    }
}
