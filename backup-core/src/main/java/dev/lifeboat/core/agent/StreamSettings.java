package dev.lifeboat.core.agent;

import dev.lifeboat.core.pg.ConnectionSettings;
import dev.lifeboat.core.wal.WalSegmentSize;

import java.time.Duration;

/**
 * How the agent streams WAL.
 *
 * @param connection       the primary (a role with REPLICATION; pg_hba.conf must allow replication connections)
 * @param slot             the physical slot the agent creates and reads through
 * @param flushInterval    how often the received part of the current segment is stored when WAL arrived
 * @param systemIdentifier the repository's cluster: streaming from another one is refused
 * @param segmentSize      the cluster's WAL segment size
 */
public record StreamSettings(ConnectionSettings connection, String slot, Duration flushInterval, String systemIdentifier,
                             WalSegmentSize segmentSize) {

    public static final String DEFAULT_SLOT = "lifeboat";
}
