/**
 * {@code lifeboat info}: what a repository holds (backups, archived and streamed WAL, drills,
 * job runs), read into a report; writes nothing.
 *
 * <p>May use {@code archive}, {@code repo}, {@code wal} and {@code jobs}.
 */
package dev.lifeboat.core.info;
