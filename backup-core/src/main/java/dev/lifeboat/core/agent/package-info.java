/**
 * The long-running WAL agent of one cluster: it archives ready segments as they appear, streams
 * the segment still being written over replication, and talks to {@code bin/lifeboat wal-push}
 * through files in the data directory ({@code AgentDirectory}).
 *
 * <p>May use {@code archive} (to push and store streamed WAL), {@code wal}, {@code repo},
 * {@code pg} and {@code error}. Nothing in backup-core uses it; {@code lifeboat agent} hosts it.
 */
package dev.lifeboat.core.agent;
