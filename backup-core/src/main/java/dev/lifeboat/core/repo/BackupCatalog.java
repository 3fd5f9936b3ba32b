package dev.lifeboat.core.repo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.wal.Lsn;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobInfo;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** The backups in a repository: one manifest each, listed in the order they ended. */
public final class BackupCatalog {

    private static final Set<String> LIST_FIELDS = Set.of("links", "directories", "files");

    private final BlobStore store;
    private final ObjectCodec codec;

    BackupCatalog(BlobStore store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Every backup, without file lists, oldest first by stop LSN (then stop time). */
    public List<BackupManifest> list() {
        List<String> ids = new ArrayList<>();
        try (Stream<BlobInfo> keys = store.list(RepositoryLayout.BACKUPS_PREFIX)) {
            keys.map(info -> RepositoryLayout.backupIdOfManifest(info.key())).filter(Objects::nonNull).forEach(ids::add);
        }
        List<BackupManifest> manifests = new ArrayList<>();
        for (String id : ids) {
            manifests.add(readHead(id));
        }
        manifests.sort(ORDER);
        return manifests;
    }

    /** Orders by where backups end in the WAL, not by name (timelines and clocks can mislead). */
    public static final Comparator<BackupManifest> ORDER = Comparator
            .comparingInt(BackupManifest::timeline)
            .thenComparing(m -> Lsn.parse(m.stopLsn()))
            .thenComparing(BackupManifest::stopTime);

    public boolean exists(String backupId) {
        return store.stat(RepositoryLayout.manifest(backupId)).isPresent();
    }

    /** The whole manifest, with file lists. */
    public BackupManifest read(String backupId) {
        String key = RepositoryLayout.manifest(backupId);
        try (InputStream in = codec.decode(openManifest(key, backupId), key)) {
            BackupManifest manifest = Json.mapper().readValue(in, BackupManifest.class);
            requireSupported(manifest, key);
            return manifest;
        } catch (IOException e) {
            throw unreadable(key, e);
        }
    }

    /** The manifest without file lists: stops decompressing where the lists begin. */
    public BackupManifest readHead(String backupId) {
        String key = RepositoryLayout.manifest(backupId);
        try (InputStream in = codec.decode(openManifest(key, backupId), key);
             JsonParser parser = Json.mapper().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            ObjectNode head = Json.mapper().createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (LIST_FIELDS.contains(field)) {
                    break;
                }
                parser.nextToken();
                head.set(field, Json.mapper().readTree(parser));
            }
            BackupManifest manifest = Json.mapper().treeToValue(head, BackupManifest.class);
            requireSupported(manifest, key);
            return manifest;
        } catch (IOException e) {
            throw unreadable(key, e);
        }
    }

    public Optional<BackupManifest> find(String backupId) {
        return exists(backupId) ? Optional.of(readHead(backupId)) : Optional.empty();
    }

    /** Writes a manifest; this is the moment the backup comes into existence. */
    public void write(BackupManifest manifest) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (OutputStream out = json) {
            Json.mapper().writeValue(out, manifest);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot serialise manifest: " + e.getMessage(), null, e);
        }
        byte[] plain = json.toByteArray();
        byte[] stored;
        try (InputStream encoded = codec.encode(new java.io.ByteArrayInputStream(plain))) {
            stored = encoded.readAllBytes();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot compress manifest: " + e.getMessage(), null, e);
        }
        store.put(RepositoryLayout.manifest(manifest.id()), BlobContent.of(stored), PutMode.CREATE_ONLY);
    }

    public void delete(String backupId) {
        store.delete(RepositoryLayout.manifest(backupId));
    }

    private InputStream openManifest(String key, String backupId) {
        try {
            return store.get(key);
        } catch (StorageException e) {
            if (e.isNotFound()) {
                throw new LifeboatException(ErrorCode.REPOSITORY, "no backup " + backupId + " in " + store.location(),
                        "list the backups with 'lifeboat info --repo " + store.location() + "'");
            }
            throw e;
        }
    }

    private static void requireSupported(BackupManifest manifest, String key) {
        if (manifest.format() > BackupManifest.CURRENT_FORMAT) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "manifest " + key + " has format " + manifest.format()
                    + ", newer than this Lifeboat understands", "upgrade Lifeboat");
        }
    }

    private LifeboatException unreadable(String key, IOException e) {
        return new LifeboatException(ErrorCode.CORRUPT, "manifest " + key + " in " + store.location() + " is unreadable: " + Json.problem(e),
                "run 'lifeboat verify'; restore from another backup or repository", e);
    }
}
