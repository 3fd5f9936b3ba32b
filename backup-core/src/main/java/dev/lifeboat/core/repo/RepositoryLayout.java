package dev.lifeboat.core.repo;

/**
 * Where each kind of object lives in a repository. Every key is built here and nowhere else.
 *
 * <pre>
 * lifeboat.json                                  the descriptor
 * backups/20261125-130501F.manifest              a backup's manifest (zstd JSON), written last
 * data/20261125-130501F/000001.zst               its data objects (single files or packs)
 * wal/00000001/0000000100000000/000000010000000000000003-&lt;sha256&gt;.zst
 * wal/00000002/00000002.history-&lt;sha256&gt;.zst
 * queue/us/wal/000000010000000000000003-&lt;sha256&gt;   WAL still to copy to the repository named "us" (empty)
 * queue/us/last-attempt                            when a copy to "us" was last tried
 * </pre>
 */
public final class RepositoryLayout {

    public static final String DESCRIPTOR = "lifeboat.json";
    public static final String BACKUPS_PREFIX = "backups/";
    public static final String MANIFEST_SUFFIX = ".manifest";
    public static final String DATA_PREFIX = "data/";
    public static final String WAL_PREFIX = "wal/";
    public static final String QUEUE_PREFIX = "queue/";

    private RepositoryLayout() {
    }

    public static String manifest(String backupId) {
        return BACKUPS_PREFIX + backupId + MANIFEST_SUFFIX;
    }

    public static String dataPrefix(String backupId) {
        return DATA_PREFIX + backupId + "/";
    }

    public static String dataObject(String backupId, int sequence) {
        return dataPrefix(backupId) + String.format("%06d.zst", sequence);
    }

    /** Where the markers of WAL still to be copied to another repository (by its configured name) live. */
    public static String walQueue(String repositoryName) {
        return QUEUE_PREFIX + repositoryName + "/wal/";
    }

    /** The marker saying that a WAL file (by name and SHA-256) is still to be copied to that repository. */
    public static String walQueueMarker(String repositoryName, String fileName, String sha256) {
        return walQueue(repositoryName) + fileName + "-" + sha256;
    }

    public static String walQueueAttempt(String repositoryName) {
        return QUEUE_PREFIX + repositoryName + "/last-attempt";
    }

    /** The backup id of a manifest key, or null when the key is not a manifest. */
    public static String backupIdOfManifest(String key) {
        if (!key.startsWith(BACKUPS_PREFIX) || !key.endsWith(MANIFEST_SUFFIX)) {
            return null;
        }
        String id = key.substring(BACKUPS_PREFIX.length(), key.length() - MANIFEST_SUFFIX.length());
        return BackupId.isValid(id) ? id : null;
    }
}
