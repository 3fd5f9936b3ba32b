package dev.lifeboat.core.repo;

import java.time.Instant;

/**
 * A WAL file as stored: its PostgreSQL name, the SHA-256 of its content (also part of the
 * key, so that "is this exact file archived?" is one listing) and the object's key and size.
 */
public record ArchivedWal(String fileName, String sha256, String key, long storedSize, Instant archivedAt) {
}
