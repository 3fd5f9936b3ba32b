package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.ForwardingBlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedObjectCopyTest {

    @TempDir
    Path temp;

    private final InMemoryBlobStore source = new InMemoryBlobStore("eu");
    private final InMemoryBlobStore target = new InMemoryBlobStore("us");
    private Repository repository;
    private ArchivedWal wal;

    @BeforeEach
    void aWalObject() throws IOException {
        repository = Repository.initialize(source, descriptor("7441"));
        byte[] segment = new byte[4 << 20];
        new Random(3).nextBytes(segment); // incompressible: the object is as large as the segment
        Path file = Files.write(temp.resolve("seg"), segment);
        repository.wal().push("000000010000000000000003", file, ObjectCodec.sha256(file), null);
        wal = repository.wal().find("000000010000000000000003").orElseThrow();
    }

    @Test
    void aGoodObjectArrivesByteForByte() throws IOException {
        assertThat(copy(source)).isEqualTo(VerifiedObjectCopy.Outcome.COPIED);

        assertThat(bytes(target, wal.key())).isEqualTo(bytes(source, wal.key()));
        assertThat(copy(source)).isEqualTo(VerifiedObjectCopy.Outcome.ALREADY_THERE);
    }

    @Test
    void aCorruptObjectIsRefusedAndNothingAppearsInTheTarget() throws IOException {
        byte[] bytes = bytes(source, wal.key());
        bytes[bytes.length - 100] ^= 1;
        source.put(wal.key(), BlobContent.of(bytes), PutMode.REPLACE);

        assertThatThrownBy(() -> copy(source)).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT);
            assertThat(e.getMessage()).contains(wal.key());
        });
        assertThat(target.stat(wal.key())).isEmpty();
    }

    @Test
    void aSourceThatFailsMidReadIsNamedAsTheCause() {
        BlobStore failing = new ForwardingBlobStore(source) {
            @Override
            public InputStream get(String key) {
                return new FilterInputStream(super.get(key)) {
                    private long read;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (read > 1_000_000) {
                            throw new StorageException(StorageException.Kind.TRANSIENT, "mem://eu", key, "connection reset");
                        }
                        int n = super.read(b, off, len);
                        read += Math.max(n, 0);
                        return n;
                    }
                };
            }
        };

        assertThatThrownBy(() -> copy(failing)).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT);
            assertThat(e.location()).isEqualTo("mem://eu");
        });
        assertThat(target.stat(wal.key())).isEmpty();
    }

    private VerifiedObjectCopy.Outcome copy(BlobStore from) {
        return VerifiedObjectCopy.copy(from, target, wal.key(), wal.storedSize(), StoredObjectCheck.wal(repository.codec(), wal));
    }

    private static byte[] bytes(BlobStore store, String key) throws IOException {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        }
    }

    private static RepositoryDescriptor descriptor(String systemId) {
        return TestRepositoryDescriptor.builder().systemIdentifier(systemId).build();
    }
}
