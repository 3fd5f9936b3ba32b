package dev.lifeboat.core.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.lifeboat.core.repo.RepositoryLayout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What verify read and every damaged or missing object it found.
 *
 * @param backups  one line per backup verified (parents of incremental backups included)
 * @param bytes    plain bytes of data files read and checked
 * @param walFiles WAL segments and history files read and checked
 */
public record VerifyResult(String repository, List<Backup> backups, long objects, long files, long bytes, long walFiles,
                           List<Problem> problems, Duration duration) {

    @JsonProperty("passed")
    public boolean passed() {
        return problems.isEmpty();
    }

    @JsonIgnore
    public boolean anyCorrupt() {
        return problems.stream().anyMatch(p -> p.kind() == Kind.CORRUPT);
    }

    /**
     * Whether a stored object is corrupt, or an object a manifest names (a data object, a
     * parent's manifest) is missing: the repository is damaged, and restore answers the same
     * (exit 9). Missing WAL alone is not: restore refuses that before writing (exit 4).
     */
    @JsonIgnore
    public boolean repositoryDamaged() {
        return problems.stream().anyMatch(p -> p.kind() == Kind.CORRUPT || p.object().startsWith(RepositoryLayout.DATA_PREFIX)
                || p.object().startsWith(RepositoryLayout.BACKUPS_PREFIX));
    }

    public record Backup(String id, boolean passed, long objects, long files, long bytes, long walFiles, int problems) {
    }

    /**
     * One damaged or missing object.
     *
     * @param object the object's key in the repository (or the WAL file's name, when it is not there at all)
     * @param file   the data file or WAL file inside it, when the problem is about one
     */
    public record Problem(String backupId, Kind kind, String object, String file, String detail) {
    }

    public enum Kind {
        MISSING, CORRUPT;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
