package dev.lifeboat.core.repo;

import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.crypto.DataKeyset;
import dev.lifeboat.core.crypto.WrappedKeyset;

import dev.lifeboat.core.wal.WalSegmentSize;

import java.time.Instant;
import java.util.Optional;

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
    /** The one compression every object is stored with. */
    public static final String ZSTD = "zstd";

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

    /**
     * What makes this descriptor unusable as read from a store (a field missing or impossible),
     * or empty. A descriptor of a newer format than this Lifeboat reads is judged by its format
     * alone: it may mean its fields otherwise.
     */
    public Optional<String> damage() {
        if (format < 1) {
            return Optional.of(format == 0 ? "field 'format' is missing" : "format " + format + " is not a repository format");
        }
        if (format > NEWEST_FORMAT) {
            return Optional.empty();
        }
        if (systemIdentifier == null || !systemIdentifier.matches("\\d{1,20}")) {
            return Optional.of(systemIdentifier == null ? "field 'systemIdentifier' is missing"
                    : "'" + systemIdentifier + "' is not a cluster system identifier");
        }
        if (pgMajor < 1) {
            return Optional.of("field 'pgMajor' is missing");
        }
        if (walSegmentSize < WalSegmentSize.MIN_BYTES || walSegmentSize > WalSegmentSize.MAX_BYTES || Integer.bitCount(walSegmentSize) != 1) {
            return Optional.of(walSegmentSize == 0 ? "field 'walSegmentSize' is missing"
                    : walSegmentSize + " bytes is not a WAL segment size");
        }
        if (compression == null) {
            return Optional.of("field 'compression' is missing");
        }
        if (!ZSTD.equals(compression.algorithm())) {
            return Optional.of("compression '" + compression.algorithm() + "' is not one this Lifeboat reads (zstd)");
        }
        if (compression.level() < ObjectCodec.MIN_LEVEL || compression.level() > ObjectCodec.MAX_LEVEL) {
            return Optional.of("compression level " + compression.level() + " is not a zstd level");
        }
        if (dataKeyset != null) {
            if (dataKeyset.wrapping() == null || dataKeyset.wrapping().method() == null) {
                return Optional.of("field 'dataKeyset.wrapping" + (dataKeyset.wrapping() == null ? "" : ".method") + "' is missing");
            }
            if (dataKeyset.keyset() == null) {
                return Optional.of("field 'dataKeyset.keyset' is missing");
            }
        }
        return Optional.empty();
    }

    public record Compression(String algorithm, int level) {
    }
}
