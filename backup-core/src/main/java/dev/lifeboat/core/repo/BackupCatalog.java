package dev.lifeboat.core.repo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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

    /**
     * Every backup that can be restored, without file lists, oldest first by stop LSN (then
     * stop time). Damaged backups are left out: {@link #listing()} names them.
     */
    public List<BackupManifest> list() {
        return listing().intact();
    }

    /**
     * The backups that can be restored and those that cannot.
     *
     * @param intact  readable manifests whose whole parent chain is readable, in {@link #ORDER}
     * @param damaged the others, by id (which is their start time)
     */
    public record Listing(List<BackupManifest> intact, List<DamagedBackup> damaged) {

        public Optional<DamagedBackup> damaged(String backupId) {
            return damaged.stream().filter(d -> d.id().equals(backupId)).findFirst();
        }
    }

    /**
     * Reads each manifest on its own, so that one damaged manifest spoils only its own backup
     * and the backups that build on it, never the listing.
     */
    public Listing listing() {
        List<String> ids = new ArrayList<>();
        try (Stream<BlobInfo> keys = store.list(RepositoryLayout.BACKUPS_PREFIX)) {
            keys.map(info -> RepositoryLayout.backupIdOfManifest(info.key())).filter(Objects::nonNull).forEach(ids::add);
        }
        Map<String, BackupManifest> readable = new LinkedHashMap<>();
        Map<String, DamagedBackup> damaged = new TreeMap<>();
        for (String id : ids) {
            try {
                readable.put(id, readHead(id));
            } catch (ManifestDamagedException e) {
                damaged.put(id, new DamagedBackup(id, RepositoryLayout.manifest(id), e.reason(), null, RepositoryLayout.manifest(id)));
            } catch (LifeboatException e) {
                if (e.code() != ErrorCode.REPOSITORY || exists(id)) {
                    throw e;
                }
                // removed by an expire since it was listed: it is simply gone
            }
        }
        // A backup is as restorable as the chain it builds on: mark children until nothing changes.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (BackupManifest m : List.copyOf(readable.values())) {
                String parent = m.parent();
                if (parent == null || parent.isBlank() || readable.containsKey(parent)) {
                    continue;
                }
                DamagedBackup broken = damaged.get(parent);
                String reason = broken != null ? "parent " + parent + " is damaged" : "parent " + parent + " is missing";
                readable.remove(m.id());
                damaged.put(m.id(), new DamagedBackup(m.id(), RepositoryLayout.manifest(m.id()), reason, m,
                        broken != null ? broken.brokenObject() : RepositoryLayout.manifest(parent)));
                changed = true;
            }
        }
        List<BackupManifest> intact = new ArrayList<>(readable.values());
        intact.sort(ORDER);
        return new Listing(List.copyOf(intact), List.copyOf(damaged.values()));
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
        BackupManifest manifest;
        try (InputStream in = codec.decode(openManifest(key, backupId), key)) {
            manifest = Json.mapper().readValue(in, BackupManifest.class);
        } catch (IOException | LifeboatException e) {
            throw damaged(key, e);
        }
        requireSupported(manifest, key);
        Optional<String> badEntry = ManifestEntries.problem(manifest);
        if (badEntry.isPresent()) {
            throw new ManifestDamagedException(key, store.location(), badEntry.get(), null);
        }
        return manifest;
    }

    /**
     * The manifest without file lists. The lists are skipped, not kept, but still decoded to
     * the end so that a truncated or corrupt manifest is never taken for a whole one.
     */
    public BackupManifest readHead(String backupId) {
        String key = RepositoryLayout.manifest(backupId);
        BackupManifest manifest;
        try (InputStream in = codec.decode(openManifest(key, backupId), key);
             JsonParser parser = Json.mapper().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ManifestDamagedException(key, store.location(), "not a valid manifest", null);
            }
            ObjectNode head = Json.mapper().createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (LIST_FIELDS.contains(field)) {
                    // Not kept, but read through: a manifest cut short in its file lists is damaged too.
                    parser.skipChildren();
                } else {
                    head.set(field, Json.mapper().readTree(parser));
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new ManifestDamagedException(key, store.location(), "not a valid manifest", null);
            }
            manifest = Json.mapper().treeToValue(head, BackupManifest.class);
        } catch (IOException | LifeboatException e) {
            throw damaged(key, e);
        }
        requireSupported(manifest, key);
        return manifest;
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

    private void requireSupported(BackupManifest manifest, String key) {
        if (manifest == null) { // the JSON literal null: well-formed, and no manifest
            throw new ManifestDamagedException(key, store.location(), "not a valid manifest", null);
        }
        if (manifest.format() > BackupManifest.CURRENT_FORMAT) {
            throw new ManifestDamagedException(key, store.location(), "format " + manifest.format()
                    + " is newer than this Lifeboat understands", "upgrade Lifeboat to restore it; other backups are not affected", null);
        }
        if (manifest.id() == null || manifest.type() == null || manifest.startLsn() == null || manifest.stopLsn() == null
                || manifest.stopTime() == null || manifest.startWalFile() == null || manifest.stopWalFile() == null) {
            throw new ManifestDamagedException(key, store.location(), "not a valid manifest", null);
        }
        if (manifest.totals() == null) {
            throw new ManifestDamagedException(key, store.location(), "field 'totals' is missing", null);
        }
        if (!RepositoryLayout.manifest(manifest.id()).equals(key)) {
            // Another backup's manifest copied over this one: reading it would restore the other backup under this id.
            throw new ManifestDamagedException(key, store.location(), "it holds the manifest of backup " + manifest.id(), null);
        }
    }

    /** Any failure to decode a manifest, as one that names it and says briefly what is wrong. */
    private LifeboatException damaged(String key, Exception e) {
        if (e instanceof ManifestDamagedException d) {
            return d;
        }
        if (e instanceof LifeboatException l && l.code() != ErrorCode.CORRUPT) {
            return l; // not found, or the store failing: not damage
        }
        String reason = ManifestDamage.reasonFor(e);
        if (reason == null) {
            // The store failed while the manifest streamed in: that says nothing about the manifest.
            return new LifeboatException(ErrorCode.STORAGE, "cannot read manifest " + key + " from " + store.location() + ": "
                    + e.getMessage(), "retry; check the store's reachability and permissions", e);
        }
        return new ManifestDamagedException(key, store.location(), reason, e);
    }

    /** A manifest that cannot be read; {@link #reason()} is the short phrase users see. */
    static final class ManifestDamagedException extends LifeboatException {
        private static final long serialVersionUID = 1L;
        private final String reason;

        ManifestDamagedException(String key, String location, String reason, Throwable cause) {
            this(key, location, reason, "run 'lifeboat info' to see which backups are damaged; restore another one with --backup", cause);
        }

        ManifestDamagedException(String key, String location, String reason, String hint, Throwable cause) {
            super(ErrorCode.CORRUPT, "manifest " + key + " in " + location + " is damaged: " + reason, hint, cause);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }
}
