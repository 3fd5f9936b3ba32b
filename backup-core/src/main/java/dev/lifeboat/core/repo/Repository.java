package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.EncryptingBlobStore;
import dev.lifeboat.core.crypto.KeyEncryptionKeySource;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.storage.BlobContent;
import dev.lifeboat.storage.BlobStore;
import dev.lifeboat.storage.PutMode;
import dev.lifeboat.storage.StorageException;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One cluster's repository in one store: its descriptor, backup catalog, WAL archive and the
 * results of restore drills.
 * Opening it checks the descriptor, so nothing can write into a store that is not a Lifeboat
 * repository or that a newer Lifeboat wrote. An encrypted repository is opened only with its key,
 * and then every object goes through {@link EncryptingBlobStore}: {@link #store()} is that store.
 */
public final class Repository implements WalDestination, AutoCloseable {

    private final BlobStore store;
    /** The store beneath the encryption (the same as {@link #store} when plain). */
    private final BlobStore storedBytes;
    /** An encrypted repository's data keyset; null when plain. */
    private final DataKeyset dataKeyset;
    private final RepositoryDescriptor descriptor;
    /**
     * WAL is compressed at zstd level 1 at most: on WAL, higher levels buy nothing (measured on
     * pgbench WAL: ratio 2.95 at level 1, 2.94 at level 3) for more than twice the CPU, and that
     * CPU decides whether archiving keeps up with a busy primary.
     */
    static final int WAL_LEVEL = 1;

    private final ObjectCodec codec;
    private final BackupCatalog backups;
    private final WalArchive wal;
    private final DrillCatalog drills;
    private final ObjectCodec walCodec;
    private final KeyEncryptionKeySource keys;

    private Repository(BlobStore storedBytes, DataKeyset dataKeyset, RepositoryDescriptor descriptor, KeyEncryptionKeySource keys) {
        this.storedBytes = storedBytes;
        this.dataKeyset = dataKeyset;
        this.keys = keys;
        this.store = dataKeyset == null ? storedBytes : new EncryptingBlobStore(storedBytes, dataKeyset, PLAINTEXT_OBJECTS);
        this.descriptor = descriptor;
        this.codec = new ObjectCodec(descriptor.compression().level());
        this.walCodec = ObjectCodec.forWal(Math.min(descriptor.compression().level(), WAL_LEVEL));
        this.backups = new BackupCatalog(store, codec);
        this.wal = new WalArchive(store, walCodec);
        this.drills = new DrillCatalog(store, codec, backups);
    }

    /**
     * The only objects an encrypted repository keeps in the clear: the descriptor, which must be
     * readable without the key and holds the data keyset only wrapped. Locks, leases, job
     * records and queue markers are encrypted like everything else.
     */
    public static final Set<String> PLAINTEXT_OBJECTS = Set.of(RepositoryLayout.DESCRIPTOR);

    /** Opens an initialised plain repository, or fails saying how to create one; an encrypted one is refused (no key). */
    public static Repository open(BlobStore store) {
        return open(store, KeyEncryptionKeySource.none());
    }

    /**
     * Opens an initialised repository, or fails saying how to create one. An encrypted one needs
     * {@code keys} to open its data keyset (a KEY error otherwise, before anything is read or
     * written); a plain one ignores them.
     */
    public static Repository open(BlobStore store, KeyEncryptionKeySource keys) {
        RepositoryDescriptor descriptor = readDescriptor(store).orElseThrow(() -> new LifeboatException(ErrorCode.REPOSITORY,
                "no Lifeboat repository at " + store.location(),
                // A vanished mount looks like no repository at all: init there would start a second one on the wrong disk.
                "check --repo (if a repository was there before: is its disk or share mounted?), or create one with 'lifeboat init --repo "
                        + store.location() + " --pgdata <data directory>'"));
        if (descriptor.format() > RepositoryDescriptor.NEWEST_FORMAT) {
            throw new LifeboatException(ErrorCode.REPOSITORY,
                    "repository " + store.location() + " has format " + descriptor.format() + ", newer than this Lifeboat understands ("
                            + RepositoryDescriptor.NEWEST_FORMAT + ")",
                    "upgrade Lifeboat");
        }
        return new Repository(store, dataKeyset(store, descriptor, keys), descriptor, keys);
    }

    /**
     * The key source this repository was opened with (none for a plain one opened without),
     * for a server Lifeboat starts that must open it too (a restored instance's restore_command).
     */
    public KeyEncryptionKeySource keys() {
        return keys;
    }

    /** An encrypted repository's data keyset, opened with {@code keys}; null for a plain one. */
    private static DataKeyset dataKeyset(BlobStore store, RepositoryDescriptor descriptor, KeyEncryptionKeySource keys) {
        if (!descriptor.encrypted()) {
            return null;
        }
        if (!DataKeyset.ALGORITHM.equals(descriptor.encryption()) || descriptor.dataKeyset() == null) {
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + store.location() + " is encrypted with '"
                    + descriptor.encryption() + "'" + (descriptor.dataKeyset() == null ? " but its descriptor holds no data key" : ""),
                    "upgrade Lifeboat, or restore the descriptor from another copy of the repository");
        }
        return descriptor.dataKeyset().unwrap(keys, descriptor.systemIdentifier(), store.location());
    }

    /**
     * Creates the descriptor. Initialising again for the same cluster is harmless and returns
     * the existing repository; for another cluster it is refused.
     */
    public static Repository initialize(BlobStore store, RepositoryDescriptor wanted) {
        return initialize(store, wanted, KeyEncryptionKeySource.none());
    }

    /**
     * Creates the descriptor ({@code keys} open the data keyset of an encrypted one). Initialising
     * again for the same cluster is harmless when the encryption asked for is the one there.
     */
    public static Repository initialize(BlobStore store, RepositoryDescriptor wanted, KeyEncryptionKeySource keys) {
        Optional<RepositoryDescriptor> existing = readDescriptor(store);
        if (existing.isEmpty()) {
            byte[] json;
            try {
                json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(wanted);
            } catch (IOException e) {
                throw new LifeboatException(ErrorCode.INTERNAL, "cannot write the repository descriptor: " + e.getMessage(), null, e);
            }
            try {
                store.put(RepositoryLayout.DESCRIPTOR, BlobContent.of(json), PutMode.CREATE_ONLY);
                return open(store, keys);
            } catch (StorageException e) {
                if (e.kind() != StorageException.Kind.ALREADY_EXISTS) {
                    throw e;
                }
                existing = readDescriptor(store); // another init won the race: judge what it wrote
            }
        }
        RepositoryDescriptor found = existing.orElseThrow();
        if (!found.systemIdentifier().equals(wanted.systemIdentifier())) {
            throw new LifeboatException(ErrorCode.REPOSITORY,
                    "repository " + store.location() + " belongs to cluster " + found.systemIdentifier()
                            + ", not to this cluster (" + wanted.systemIdentifier() + ")",
                    "use another --repo for this cluster");
        }
        if (wanted.encrypted() && !found.encrypted()) {
            // Succeeding would let the user believe the repository is encrypted.
            throw new LifeboatException(ErrorCode.REPOSITORY, "repository " + store.location()
                    + " already exists unencrypted and cannot be encrypted in place",
                    "create a new repository with 'lifeboat init --encrypt' and copy the backups into it with 'lifeboat replicate'");
        }
        return open(store, keys);
    }

    /** The descriptor as stored (readable without the key), or empty when there is none. */
    public static Optional<RepositoryDescriptor> readDescriptor(BlobStore store) {
        RepositoryDescriptor descriptor;
        try (InputStream in = store.get(RepositoryLayout.DESCRIPTOR)) {
            descriptor = Json.mapper().readValue(in, RepositoryDescriptor.class);
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.CORRUPT,
                    "repository descriptor " + store.location() + "/" + RepositoryLayout.DESCRIPTOR + " is unreadable: " + Json.problem(e),
                    "restore the file from another copy of the repository", e);
        }
        // Well-formed JSON can still be no descriptor ({}, null, a field edited by hand): say so, not fail later.
        Optional<String> damage = descriptor == null ? Optional.of("it holds no descriptor") : descriptor.damage();
        if (damage.isPresent()) {
            throw new LifeboatException(ErrorCode.CORRUPT,
                    "repository descriptor " + store.location() + "/" + RepositoryLayout.DESCRIPTOR + " is unreadable: " + damage.get(),
                    "restore the file from another copy of the repository");
        }
        return Optional.of(descriptor);
    }

    /** Refuses work for a cluster other than the one this repository belongs to. */
    @Override
    public void requireCluster(String systemIdentifier, String what) {
        if (!descriptor.systemIdentifier().equals(systemIdentifier)) {
            throw new LifeboatException(ErrorCode.REPOSITORY,
                    what + " is from cluster " + systemIdentifier + " but repository " + store.location()
                            + " belongs to cluster " + descriptor.systemIdentifier(),
                    "point --repo at this cluster's own repository");
        }
    }

    public BlobStore store() {
        return store;
    }

    /**
     * The objects as stored: ciphertext in an encrypted repository. Only for copying objects
     * unchanged between repositories that share a data keyset (replicate), which must still
     * authenticate what it copies ({@link #dataKeyset()}).
     */
    public BlobStore storedBytes() {
        return storedBytes;
    }

    /** The data keyset of an encrypted repository; empty when plain. */
    public Optional<DataKeyset> dataKeyset() {
        return Optional.ofNullable(dataKeyset);
    }

    @Override
    public RepositoryDescriptor descriptor() {
        return descriptor;
    }

    public ObjectCodec codec() {
        return codec;
    }

    public BackupCatalog backups() {
        return backups;
    }

    public WalArchive wal() {
        return wal;
    }

    public DrillCatalog drills() {
        return drills;
    }

    /** The codec of WAL objects (archived and streamed): a lower level than backups, see {@link #WAL_LEVEL}. */
    public ObjectCodec walCodec() {
        return walCodec;
    }

    public String location() {
        return store.location();
    }

    @Override
    public List<Repository> requiredRepositories() {
        return List.of(this);
    }

    @Override
    public WalArchive.PushOutcome pushWal(String fileName, WalContent content, String sha256, WalSummary summary) {
        return wal.push(fileName, content, sha256, summary);
    }

    @Override
    public void close() {
        store.close();
    }
}
