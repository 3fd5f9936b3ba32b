package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import static org.assertj.core.api.Assertions.assertThat;

/** The errors that are hard to cause on purpose (a full disk, a root that ignores modes), mapped. */
class FileSystemErrorsTest {

    private static StorageException map(IOException e) {
        return FileSystemErrors.of("store", "/srv/lifeboat", "wal/000000010000000000000001", e);
    }

    @Test
    void permissionDeniedIsPermanentAndNamesThePath() {
        StorageException e = map(new AccessDeniedException("/srv/lifeboat/wal/.tmp-1"));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).isEqualTo("cannot store 'wal/000000010000000000000001' in /srv/lifeboat: "
                + "permission denied on /srv/lifeboat/wal/.tmp-1");
        assertThat(e.location()).isEqualTo("/srv/lifeboat");
        assertThat(e.key()).isEqualTo("wal/000000010000000000000001");
    }

    @Test
    void aFullDiskIsPermanent() {
        // FileChannel.write reports ENOSPC as a plain IOException
        StorageException e = map(new IOException("No space left on device"));

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.getMessage()).endsWith(": no space left on device");
    }

    @Test
    void aQuotaAReadOnlyFilesystemAndAnOperationNotPermittedArePermanent() {
        assertThat(map(new IOException("Disk quota exceeded")).kind()).isEqualTo(Kind.PERMANENT);
        assertThat(map(new FileSystemException("/srv/lifeboat/wal", null, "Read-only file system")).getMessage())
                .endsWith(": read-only file system (/srv/lifeboat/wal)");
        assertThat(map(new FileSystemException("/srv/lifeboat/wal", null, "Operation not permitted")).kind())
                .isEqualTo(Kind.PERMANENT);
    }

    @Test
    void otherFailuresAreTransientOnOneLine() {
        StorageException e = map(new SocketException("Stale file handle\nretry later"));

        assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(e.getMessage()).doesNotContain("\n").contains("Stale file handle retry later")
                .contains("/srv/lifeboat").contains("wal/000000010000000000000001");
        assertThat(map(new IOException("Input/output error")).kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void missingFilesCountAsAbsentForReads() {
        assertThat(FileSystemErrors.isAbsent(new NoSuchFileException("/x"))).isTrue();
        assertThat(FileSystemErrors.isAbsent(new FileSystemException("/a/b", null, "Not a directory"))).isTrue();
        assertThat(FileSystemErrors.isAbsent(new AccessDeniedException("/x"))).isFalse();
    }
}
