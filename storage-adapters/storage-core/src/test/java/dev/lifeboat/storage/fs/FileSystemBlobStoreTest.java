package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.BlobStoreConformanceTest;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.GeneratedContent;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

class FileSystemBlobStoreTest extends BlobStoreConformanceTest {

    @TempDir
    Path temp;

    @Override
    protected BlobStore newStore() {
        // The root does not exist yet: every conformance test also checks that the first put creates it.
        return new FileSystemBlobStore(temp.resolve("repo"));
    }

    private Path root() {
        return temp.resolve("repo");
    }

    @Test
    void blobsAreFilesUnderTheRoot() throws IOException {
        store.put("wal/00000001/seg", content("bytes"), PutMode.CREATE_ONLY);

        assertThat(Files.readString(root().resolve("wal/00000001/seg"))).isEqualTo("bytes");
        assertThat(store.location()).isEqualTo(root().toString());
    }

    @Test
    void readsOfAMissingRootFindNothingAndCreateNothing() {
        assertThat(store.stat("x")).isEmpty();
        assertThat(kindOf(() -> store.get("x"))).isEqualTo(Kind.NOT_FOUND);
        assertThat(keys("")).isEmpty();
        store.delete("x");

        assertThat(root()).doesNotExist();
    }

    @Test
    void aLeftoverTemporaryFileIsNeverListedAndNeverInTheWay() throws IOException {
        store.put("wal/a", content("a"), PutMode.CREATE_ONLY);
        // What a crash between creating and renaming the temporary file leaves behind:
        Files.writeString(root().resolve("wal/.tmp-0123456789abcdef0123456789abcdef"), "half a segment");
        Files.writeString(root().resolve(".tmp-fedcba9876543210fedcba9876543210"), "half a manifest");

        store.put("wal/b", content("b"), PutMode.CREATE_ONLY);
        store.put("wal/a", content("a2"), PutMode.REPLACE);

        assertThat(keys("")).containsExactly("wal/a", "wal/b");
        assertThat(keys("wal/.tmp")).isEmpty();
        assertThat(read("wal/a")).isEqualTo(utf8("a2"));
    }

    @Test
    void aFailedPutLeavesNoTemporaryFile() throws IOException {
        store.put("wal/existing", content("x"), PutMode.CREATE_ONLY);

        catchThrowable(() -> store.put("wal/broken", failingAfter(300_000, new IOException("source gone")), PutMode.CREATE_ONLY));
        catchThrowable(() -> store.put("wal/existing", content("y"), PutMode.CREATE_ONLY));

        try (Stream<Path> files = Files.walk(root())) {
            assertThat(files.map(path -> root().relativize(path).toString()))
                    .containsExactlyInAnyOrder("", "wal", "wal/existing");
        }
    }

    @Test
    void deleteRemovesTheDirectoriesItEmptiesButNeverTheRoot() {
        store.put("backup/20260101T000000F/data/base/1", content("x"), PutMode.CREATE_ONLY);
        store.put("backup/keep", content("y"), PutMode.CREATE_ONLY);

        store.delete("backup/20260101T000000F/data/base/1");
        assertThat(root().resolve("backup/20260101T000000F")).doesNotExist();
        assertThat(root().resolve("backup")).isDirectory();

        store.delete("backup/keep");
        assertThat(root().resolve("backup")).doesNotExist();
        assertThat(root()).isDirectory();
    }

    @Test
    void aBlobWhereADirectoryMustGoIsAPermanentError() {
        store.put("a", content("blob"), PutMode.CREATE_ONLY);
        store.put("d/x", content("blob"), PutMode.CREATE_ONLY);

        Throwable below = catchThrowable(() -> store.put("a/b", content("x"), PutMode.CREATE_ONLY));
        Throwable over = catchThrowable(() -> store.put("d", content("x"), PutMode.REPLACE));
        Throwable overCreate = catchThrowable(() -> store.put("d", content("x"), PutMode.CREATE_ONLY));

        assertThat(below).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
            assertThat(e.getMessage()).contains("blob 'a' is in the way");
        });
        assertThat(over).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
            assertThat(e.getMessage()).contains("directory of other blobs");
        });
        assertThat(overCreate).isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.PERMANENT));
        assertThat(store.stat("a/b")).isEmpty();
        assertThat(kindOf(() -> store.get("a/b"))).isEqualTo(Kind.NOT_FOUND);
        assertThat(keys("a/")).isEmpty();
        store.delete("a/b");
        store.delete("d");
        assertThat(keys("")).containsExactly("a", "d/x");
    }

    @Test
    @Timeout(120)
    void putsAndDeletesRacingInOneDirectoryAllSucceed() throws Exception {
        // delete() removes the directories it empties; a put that made that directory a moment
        // earlier must still land its blob.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        String key = "churn/deep/" + name + i;
                        store.put(key, content(key), PutMode.CREATE_ONLY);
                        store.delete(key);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys("")).isEmpty();
    }

    @Test
    void newDirectoriesAre0700AndFiles0600WhateverTheRootSharesWithItsGroupOrOthers() throws IOException {
        Files.createDirectories(root());
        Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwxrwxrwx"));

        store.put("wal/00000001/seg", content("x"), PutMode.CREATE_ONLY);
        store.put("backup.info", content("replaced later"), PutMode.CREATE_ONLY);
        store.put("backup.info", content("info"), PutMode.REPLACE);

        assertThat(mode(root().resolve("wal"))).isEqualTo("rwx------");
        assertThat(mode(root().resolve("wal/00000001"))).isEqualTo("rwx------");
        assertThat(mode(root().resolve("wal/00000001/seg"))).isEqualTo("rw-------");
        assertThat(mode(root().resolve("backup.info"))).isEqualTo("rw-------");
        assertThat(mode(root())).as("an existing root is left as the operator made it").isEqualTo("rwxrwxrwx");
    }

    @Test
    void aRootTheStoreCreatesIsPrivateToItsOwner() throws IOException {
        store.put("wal/seg", content("x"), PutMode.CREATE_ONLY);

        assertThat(mode(root())).isEqualTo("rwx------");
        assertThat(mode(root().resolve("wal"))).isEqualTo("rwx------");
        assertThat(mode(root().resolve("wal/seg"))).isEqualTo("rw-------");
    }

    @Test
    void everyPathOfARepositoryTheStoreCreatesIsOwnerOnly() throws IOException {
        store.put("a/b/c", GeneratedContent.of(300_000, 7), PutMode.CREATE_ONLY);

        try (Stream<Path> walk = Files.walk(root())) {
            for (Path path : walk.toList()) {
                assertThat(mode(path)).as("mode of %s", path).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    @Test
    void whenRunAsRootEverythingCreatedBelongsToTheOwnerOfTheRoot() throws Exception {
        assumeRootAndPostgresUser();
        Files.createDirectories(root());
        giveToPostgres(root());
        Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwx------"));

        store.put("wal/00000001/000000010000000000000001", content("segment"), PutMode.CREATE_ONLY);
        store.put("backup.info", content("replaced later"), PutMode.CREATE_ONLY);
        store.put("backup.info", content("info"), PutMode.REPLACE);

        for (String created : List.of("wal", "wal/00000001", "wal/00000001/000000010000000000000001", "backup.info")) {
            Path path = root().resolve(created);
            assertThat(uid(path)).as("uid of %s", created).isEqualTo(uid(root()));
            assertThat(gid(path)).as("gid of %s", created).isEqualTo(gid(root()));
        }
        assertThat(mode(root().resolve("wal/00000001"))).isEqualTo("rwx------");
        assertThat(mode(root().resolve("backup.info"))).isEqualTo("rw-------");
        // The point of it all: archive_command, running as postgres, can read and write where root wrote.
        assumeThat(Path.of("/usr/sbin/runuser")).as("runuser available").exists();
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process process = new ProcessBuilder("/usr/sbin/runuser", "-u", "postgres", "--", "sh", "-c",
                "echo pushed > " + root().resolve("wal/00000001/by-postgres")).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("runuser output: %s", output).isZero();
        assertThat(read("wal/00000001/by-postgres")).isEqualTo(utf8("pushed\n"));
        Process reader = new ProcessBuilder("/usr/sbin/runuser", "-u", "postgres", "--", "cat",
                root().resolve("backup.info").toString()).redirectErrorStream(true).start();
        String readBack = new String(reader.getInputStream().readAllBytes());
        assertThat(reader.waitFor()).as("runuser output: %s", readBack).isZero();
        assertThat(readBack).isEqualTo("info");
    }

    @Test
    void whenRunAsRootARootTheStoreCreatesBelongsToTheOwnerOfItsParent() throws Exception {
        assumeRootAndPostgresUser();
        giveToPostgres(temp);

        store.put("wal/seg", content("x"), PutMode.CREATE_ONLY);

        for (Path path : List.of(root(), root().resolve("wal"), root().resolve("wal/seg"))) {
            assertThat(uid(path)).as("uid of %s", path).isEqualTo(uid(temp));
            assertThat(gid(path)).as("gid of %s", path).isEqualTo(gid(temp));
        }
        assertThat(mode(root())).isEqualTo("rwx------");
    }

    @Test
    void aRootWithoutWritePermissionIsAPermanentPermissionDenied() throws IOException {
        assumeThat(new InheritedOwnership(temp).changesOwner()).as("not root (root ignores modes)").isFalse();
        Files.createDirectories(root());
        Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Throwable thrown = catchThrowable(() -> store.put("wal/seg", content("x"), PutMode.CREATE_ONLY));

            assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
                assertThat(e.getMessage()).contains("permission denied").contains(root().toString()).contains("wal/seg");
            });
        } finally {
            Files.setPosixFilePermissions(root(), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void theStoreHoldsNoFileDescriptorsBetweenCalls() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeThat(fds).isDirectory();
        exerciseEveryOperation(20); // warm up: class loading opens jars once
        long before = countEntries(fds);

        exerciseEveryOperation(200);

        assertThat(countEntries(fds)).isLessThanOrEqualTo(before + 5);
    }

    @Test
    void plainPathsAndFileUrisOpenAFileSystemStore() {
        String path = root().toString();

        try (BlobStore byPath = BlobStores.open(path); BlobStore byUri = BlobStores.open(root().toUri().toString())) {
            assertThat(byPath).isInstanceOf(FileSystemBlobStore.class);
            assertThat(byPath.location()).isEqualTo(path);
            assertThat(byUri.location()).isEqualTo(path);
        }
        assertThat(kindOf(() -> BlobStores.open("file://somehost/srv/repo"))).isEqualTo(Kind.PERMANENT);
    }

    private void exerciseEveryOperation(int rounds) throws IOException {
        for (int i = 0; i < rounds; i++) {
            String key = "fd/" + i;
            store.put(key, GeneratedContent.of(1000, i), PutMode.CREATE_ONLY);
            catchThrowable(() -> store.put(key, content("again"), PutMode.CREATE_ONLY));
            catchThrowable(() -> store.put(key + "-broken", failingAfter(10, new IOException("x")), PutMode.REPLACE));
            read(key);
            try (InputStream partial = store.get(key, 10, 10)) {
                partial.read();
            }
            store.stat(key);
            keys("fd/");
            store.list("").iterator().next(); // abandoned, never closed
            catchThrowable(() -> store.get("fd/absent"));
            store.delete(key);
        }
    }

    private static long countEntries(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.count();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static int uid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid");
    }

    private static int gid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:gid");
    }

    private void assumeRootAndPostgresUser() throws IOException {
        assumeThat(new InheritedOwnership(temp).changesOwner()).as("running as root").isTrue();
        UserPrincipalLookupService users = temp.getFileSystem().getUserPrincipalLookupService();
        try {
            users.lookupPrincipalByName("postgres");
            users.lookupPrincipalByGroupName("postgres");
        } catch (UserPrincipalNotFoundException e) {
            assumeThat(false).as("user and group postgres exist").isTrue();
        }
    }

    private static void giveToPostgres(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = users.lookupPrincipalByName("postgres");
        GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
        assertThat(uid(path)).isNotZero();
    }
}
