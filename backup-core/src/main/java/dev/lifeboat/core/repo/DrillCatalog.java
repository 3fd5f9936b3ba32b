package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The drills run against a repository's backups: one object per drill under
 * {@code drills/<backup id>/}, written once. The latest verdict of a backup is its newest
 * drill (keys sort by the drill's start), so one listing of {@code drills/} tells which
 * backups are known-good.
 */
public final class DrillCatalog {

    private final BlobStore store;
    private final ObjectCodec codec;
    private final BackupCatalog backups;

    DrillCatalog(BlobStore store, ObjectCodec codec, BackupCatalog backups) {
        this.store = store;
        this.codec = codec;
        this.backups = backups;
    }

    /** A backup whose newest drill passed, with that drill. */
    public record KnownGood(BackupManifest backup, DrillRecord drill) {
    }

    /** Stores a drill's result (never overwriting one); returns its key. */
    public String record(DrillRecord drill) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(drill);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot serialise drill result: " + e.getMessage(), null, e);
        }
        byte[] stored;
        try (InputStream encoded = codec.encode(new ByteArrayInputStream(json))) {
            stored = encoded.readAllBytes();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot compress drill result: " + e.getMessage(), null, e);
        }
        String key = RepositoryLayout.drill(drill.backupId(), drill.id());
        store.put(key, BlobContent.of(stored), PutMode.CREATE_ONLY);
        return key;
    }

    /** The newest drill of every backup that has one, by backup id. */
    public Map<String, DrillRecord> latestVerdicts() {
        Map<String, String> newestKey = new LinkedHashMap<>();
        try (Stream<BlobInfo> keys = store.list(RepositoryLayout.DRILLS_PREFIX)) {
            keys.forEach(info -> {
                String backupId = RepositoryLayout.backupIdOfDrill(info.key());
                if (backupId != null) {
                    newestKey.put(backupId, info.key()); // key order: the last one seen is the newest
                }
            });
        }
        Map<String, DrillRecord> latest = new LinkedHashMap<>();
        newestKey.forEach((backupId, key) -> latest.put(backupId, readOrFailed(key, backupId)));
        return latest;
    }

    /** The newest drill of one backup. */
    public Optional<DrillRecord> latest(String backupId) {
        List<String> keys = keys(backupId);
        return keys.isEmpty() ? Optional.empty() : Optional.of(readOrFailed(keys.get(keys.size() - 1), backupId));
    }

    /** Every drill of one backup, oldest first. */
    public List<DrillRecord> history(String backupId) {
        List<DrillRecord> all = new ArrayList<>();
        for (String key : keys(backupId)) {
            all.add(readOrFailed(key, backupId));
        }
        return all;
    }

    /**
     * The newest backup (in WAL order) whose newest drill passed: what "last known-good" means
     * for restore, and what retention must keep.
     */
    public Optional<KnownGood> newestKnownGood() {
        return newestKnownGood(backups.list(), latestVerdicts());
    }

    /** The same, from a backup list (oldest first, as {@link BackupCatalog#list()} gives it) and {@link #latestVerdicts()}. */
    public static Optional<KnownGood> newestKnownGood(List<BackupManifest> backups, Map<String, DrillRecord> verdicts) {
        for (int i = backups.size() - 1; i >= 0; i--) {
            DrillRecord drill = verdicts.get(backups.get(i).id());
            if (drill != null && drill.passed()) {
                return Optional.of(new KnownGood(backups.get(i), drill));
            }
        }
        return Optional.empty();
    }

    private List<String> keys(String backupId) {
        List<String> keys = new ArrayList<>();
        try (Stream<BlobInfo> listed = store.list(RepositoryLayout.drillPrefix(backupId))) {
            listed.map(BlobInfo::key).filter(k -> backupId.equals(RepositoryLayout.backupIdOfDrill(k))).forEach(keys::add);
        }
        return keys;
    }

    /**
     * Reads a drill result; an unreadable one counts as a failed drill, so that damage never
     * lets an older passing drill speak for the backup.
     */
    private DrillRecord readOrFailed(String key, String backupId) {
        try (InputStream in = codec.decode(store.get(key), key)) {
            return Json.mapper().readValue(in, DrillRecord.class);
        } catch (IOException e) {
            return unreadable(key, backupId, Json.problem(e));
        } catch (LifeboatException e) {
            return unreadable(key, backupId, e.getMessage());
        }
    }

    private static DrillRecord unreadable(String key, String backupId, String problem) {
        String drillId = key.substring(key.lastIndexOf('/') + 1, key.length() - RepositoryLayout.DRILL_SUFFIX.length());
        return new DrillRecord(DrillRecord.CURRENT_FORMAT, drillId, backupId, DrillRecord.Verdict.FAILED,
                "drill result " + key + " is unreadable: " + problem, null, null, null, null, null, null, null,
                List.of(), List.of(), null, null, null, null);
    }
}
