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
 * stream/00000001/000000010000000000000004.zst   the streamed part of a segment not yet archived (replaced as it grows)
 * </pre>
 */
public final class RepositoryLayout {

    public static final String DESCRIPTOR = "lifeboat.json";
    public static final String BACKUPS_PREFIX = "backups/";
    public static final String MANIFEST_SUFFIX = ".manifest";
    public static final String DATA_PREFIX = "data/";
    public static final String WAL_PREFIX = "wal/";
    public static final String STREAM_PREFIX = "stream/";

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

    /**
     * The streamed, still growing part of a segment. Its own prefix, and no checksum in the
     * name: it is replaced as WAL arrives, while an archived segment is immutable.
     */
    public static String streamedSegment(String segmentName) {
        return STREAM_PREFIX + segmentName.substring(0, 8) + "/" + segmentName + ".zst";
    }

    /** The segment name of a streamed segment's key, or null. */
    public static String segmentOfStreamed(String key) {
        if (!key.startsWith(STREAM_PREFIX) || !key.endsWith(".zst")) {
            return null;
        }
        String base = key.substring(key.lastIndexOf('/') + 1, key.length() - ".zst".length());
        return base.matches("[0-9A-F]{24}") ? base : null;
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
