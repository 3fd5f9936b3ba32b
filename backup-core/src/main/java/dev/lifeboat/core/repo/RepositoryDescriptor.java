package dev.lifeboat.core.repo;

import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.WrappedKeyset;

import java.time.Instant;

/**
 * The file at a repository's root that says what it holds: which cluster (by system
 * identifier), which PostgreSQL major version, and how objects are encoded. A fresh Lifeboat
 * on a fresh machine needs nothing but this and the objects to restore.
 *
 * @param format           repository format version; a reader refuses a newer one
 * @param systemIdentifier the cluster's pg_control system identifier (decimal, as PostgreSQL prints it)
 * @param walSegmentSize   bytes per WAL segment (wal_segment_size)
 * @param encryption       "none", or the scheme of every object but this one ({@link DataKeyset#ALGORITHM})
 * @param dataKeyset       an encrypted repository's data keyset, wrapped by its key-encryption key; null when plain
 */
public record RepositoryDescriptor(
        int format,
        String systemIdentifier,
        int pgMajor,
        String pgVersion,
        int walSegmentSize,
        Compression compression,
        String encryption,
        Instant created,
        String createdBy,
        WrappedKeyset dataKeyset) {

    /** The format of a plain repository. */
    public static final int CURRENT_FORMAT = 1;
    /**
     * The format of an encrypted repository: a Lifeboat that predates encryption refuses it
     * instead of reading ciphertext as objects.
     */
    public static final int ENCRYPTED_FORMAT = 2;
    /** The newest format this Lifeboat reads. */
    public static final int NEWEST_FORMAT = ENCRYPTED_FORMAT;
    public static final String NO_ENCRYPTION = "none";

    /** A plain repository's descriptor. */
    public RepositoryDescriptor(int format, String systemIdentifier, int pgMajor, String pgVersion, int walSegmentSize,
                                Compression compression, String encryption, Instant created, String createdBy) {
        this(format, systemIdentifier, pgMajor, pgVersion, walSegmentSize, compression, encryption, created, createdBy, null);
    }

    /** Whether objects are stored encrypted (anything but "none", so that an unknown scheme is never read as plain). */
    public boolean encrypted() {
        return encryption != null && !encryption.equals(NO_ENCRYPTION);
    }

    /** This descriptor with another wrapping of the same data keyset (key rotate). */
    public RepositoryDescriptor withDataKeyset(WrappedKeyset rewrapped) {
        return new RepositoryDescriptor(format, systemIdentifier, pgMajor, pgVersion, walSegmentSize, compression, encryption,
                created, createdBy, rewrapped);
    }

    public record Compression(String algorithm, int level) {
    }
}
