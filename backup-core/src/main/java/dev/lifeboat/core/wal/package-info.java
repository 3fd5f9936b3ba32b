/**
 * The PostgreSQL WAL format, and nothing else: LSNs, segment, timeline history and backup
 * history file names, segment sizes, page headers and magic numbers, the record scanner and
 * what it reads (transaction ends, restore points, {@code WalSegmentSummary}), timeline history.
 *
 * <p>Pure functions of bytes and names: may use {@code dev.lifeboat.core.error} only. Must not
 * use repositories ({@code repo}), archiving ({@code archive}), codecs, JSON or storage;
 * whatever stores or fetches WAL belongs in {@code dev.lifeboat.core.archive}.
 */
package dev.lifeboat.core.wal;
