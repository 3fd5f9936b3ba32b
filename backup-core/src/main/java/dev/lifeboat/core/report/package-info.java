/**
 * {@code lifeboat report}: a repository's history over time (backups, WAL arrivals, the
 * recoverable window, drills, job runs) gathered into a plain model for a page or JSON;
 * writes nothing to the repository.
 *
 * <p>May use {@code archive}, {@code repo}, {@code wal}, {@code jobs} and {@code info}.
 */
package dev.lifeboat.core.report;
