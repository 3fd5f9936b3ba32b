package dev.lifeboat.core.backup;

import dev.lifeboat.core.backup.DataDirectoryInventory.FileEntry;
import dev.lifeboat.core.repo.BackupManifest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the files of a diff or incr backup into those to copy and those whose stored copy in
 * the parent backup (or further up its chain) is reused. A file is unchanged when its size and
 * modification time equal what the parent recorded and that time is before the second the
 * parent started: a file written in or after that second may have changed after the parent
 * copied it with no visible change of time (pgBackRest's rule), so it is copied again.
 */
final class UnchangedFiles {

    record Split(List<FileEntry> toCopy, List<BackupManifest.File> reused) {
    }

    private UnchangedFiles() {
    }

    static Split split(List<FileEntry> files, BackupManifest parent) {
        Map<String, BackupManifest.File> previous = new HashMap<>();
        for (BackupManifest.File f : parent.files()) {
            previous.put(f.path(), f);
        }
        Instant cutoff = parent.startTime().truncatedTo(ChronoUnit.SECONDS);
        List<FileEntry> toCopy = new ArrayList<>();
        List<BackupManifest.File> reused = new ArrayList<>();
        for (FileEntry file : files) {
            BackupManifest.File before = previous.get(file.path());
            if (before != null && before.object() != null && before.modified() != null
                    && before.size() == file.size() && before.modified().equals(file.modified())
                    && before.modified().isBefore(cutoff)) {
                reused.add(new BackupManifest.File(file.path(), before.size(), before.sha256(), file.mode(), file.modified(),
                        before.object(), before.offset(), before.storedSize()));
            } else {
                toCopy.add(file);
            }
        }
        return new Split(toCopy, reused);
    }
}
