package dev.lifeboat.core.restore;

import dev.lifeboat.core.ProgressListener;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.BackupManifest;
import dev.lifeboat.core.repo.DataObjectReader;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a backup's files into an empty data directory, several objects at a time, checking
 * every file's SHA-256 as it is written ({@link DataObjectReader}: a pack is read once, front to back).
 */
final class DataFileRestorer {

    private final Repository repository;
    private final int jobs;
    private final ProgressListener progress;
    private final AtomicLong bytesDone = new AtomicLong();

    DataFileRestorer(Repository repository, int jobs, ProgressListener progress) {
        this.repository = repository;
        this.jobs = Math.max(1, jobs);
        this.progress = progress;
    }

    /** A manifest's path in the destination; never outside it, whatever the manifest says (the catalog checked it already). */
    private static Path inside(Path pgdata, String path) {
        Path root = pgdata.toAbsolutePath().normalize();
        Path resolved = root.resolve(path).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new LifeboatException(ErrorCode.CORRUPT, "the manifest names '" + path + "', which is not inside the data directory",
                    "run 'lifeboat verify'; restore another backup with --backup");
        }
        return resolved;
    }

    /** Returns the number of bytes written. */
    long restore(BackupManifest manifest, Path pgdata) {
        try {
            for (BackupManifest.Directory dir : sortedDirectories(manifest)) {
                Path path = inside(pgdata, dir.path());
                Files.createDirectories(path);
                Files.setPosixFilePermissions(path, permissions(dir.mode() | 0700));
            }
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot create directories in " + pgdata + ": " + e.getMessage(),
                    "check permissions and free space", e);
        }
        long total = manifest.files().stream().mapToLong(BackupManifest.File::size).sum();
        try {
            DataObjectReader.forEachObject(manifest, jobs, "lifeboat-restore", (key, files) -> restoreObject(key, files, pgdata, total));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, String.valueOf(e), null, e);
        }
        return bytesDone.get();
    }

    private void restoreObject(String key, List<BackupManifest.File> files, Path pgdata, long total) throws IOException {
        try {
            readObject(key, files, pgdata, total);
        } catch (StorageException e) {
            if (!e.isNotFound()) {
                throw e;
            }
            // The manifest names it, so the repository is damaged: the same answer verify gives.
            throw new LifeboatException(ErrorCode.CORRUPT, "object " + key + " is missing from " + repository.location()
                    + " (it holds " + files.size() + (files.size() == 1 ? " file: " + files.get(0).path() : " files") + ")",
                    "run 'lifeboat verify' to list every damaged object; restore another backup with --backup", e);
        }
    }

    private void readObject(String key, List<BackupManifest.File> files, Path pgdata, long total) throws IOException {
        new DataObjectReader(repository).read(key, files, (file, content) -> {
            Path written = inside(pgdata, file.path());
            try (OutputStream out = Files.newOutputStream(written, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[128 * 1024];
                for (int n; (n = content.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    progress.advance("bytes", bytesDone.addAndGet(n), total);
                }
            }
            Files.setPosixFilePermissions(written, permissions(file.mode() | 0600));
            if (file.modified() != null) {
                Files.setLastModifiedTime(written, FileTime.from(file.modified()));
            }
        }, null);
    }

    private static List<BackupManifest.Directory> sortedDirectories(BackupManifest manifest) {
        List<BackupManifest.Directory> dirs = new ArrayList<>(manifest.directories());
        dirs.sort(Comparator.comparing(BackupManifest.Directory::path));
        return dirs;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
