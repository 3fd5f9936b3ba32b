package dev.lifeboat.core.repo;

import java.time.Instant;

/**
 * The file at a repository's root that says what it holds: which cluster (by system
 * identifier), which PostgreSQL major version, and how objects are encoded. A fresh Lifeboat
 * on a fresh machine needs nothing but this and the objects to restore.
 *
 * @param format           repository format version; a reader refuses a newer one
 * @param systemIdentifier the cluster's pg_control system identifier (decimal, as PostgreSQL prints it)
 * @param walSegmentSize   bytes per WAL segment (wal_segment_size)
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
        String createdBy) {

    public static final int CURRENT_FORMAT = 1;

    public record Compression(String algorithm, int level) {
    }
}
