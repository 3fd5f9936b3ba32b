package dev.lifeboat.core.check;

import dev.lifeboat.core.pg.ClusterSession;
import dev.lifeboat.core.wal.Lsn;

import java.time.Instant;

/**
 * The cluster's side of the RPO: how far its WAL goes and, with track_commit_timestamp on, when
 * it last committed.
 *
 * @param walPosition the current WAL insert position (on a standby: the last replayed)
 * @param lastCommit  pg_last_committed_xact()'s time, or null when track_commit_timestamp is off
 */
public record ClusterCommits(Lsn walPosition, Instant lastCommit) {

    public static ClusterCommits ask(ClusterSession session) {
        Lsn position = Lsn.parse(session.queryString(session.isInRecovery()
                ? "SELECT pg_last_wal_replay_lsn()::text" : "SELECT pg_current_wal_insert_lsn()::text"));
        Instant lastCommit = null;
        if ("on".equals(session.setting("track_commit_timestamp"))) {
            lastCommit = session.queryOptional("SELECT (extract(epoch FROM (pg_last_committed_xact()).timestamp) * 1000000)::bigint::text")
                    .map(micros -> Instant.EPOCH.plusNanos(Long.parseLong(micros) * 1000)).orElse(null);
        }
        return new ClusterCommits(position, lastCommit);
    }
}
