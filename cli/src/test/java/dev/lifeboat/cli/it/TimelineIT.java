package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restore that becomes the new primary continues the archive on a new timeline, and a later
 * restore follows that timeline to a point on it: the rows of timeline 1 up to the first
 * target, then the rows written on timeline 2 up to the second target.
 */
class TimelineIT {

    private static final String ROWS = "SELECT string_agg(note, ',' ORDER BY id) FROM events";

    @Test
    void aRestoreFollowsTheNewTimelineToAPointOnIt() throws Exception {
        try (ArchivingCluster source = ArchivingCluster.start()) {
            ClusterSql.execute(source.cluster(), "CREATE TABLE events (id serial PRIMARY KEY, note text)");
            assertThat(source.backup().exitCode()).isZero();
            ClusterSql.execute(source.cluster(), "INSERT INTO events (note) VALUES ('tl1-a'), ('tl1-b')");
            String firstTarget = ClusterSql.queryForString(source.cluster(), "SELECT pg_current_wal_lsn()");
            ClusterSql.execute(source.cluster(), "INSERT INTO events (note) VALUES ('tl1-lost')");
            source.switchAndWaitForArchive();

            // The first restore replaces the source as primary: it archives into the same repository.
            Path promoted = source.newDirectory("promoted");
            int promotedPort = port();
            Lifeboat.Run first = source.restore(promoted, promotedPort, "--target-lsn", firstTarget, "--archive-to", "same");
            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.stdout()).contains("(timeline 2)");
            source.cluster().stop();

            ArchivingCluster.execute(promotedPort, "INSERT INTO events (note) VALUES ('tl2-a')");
            String secondTarget = ArchivingCluster.query(promotedPort, "SELECT pg_current_wal_lsn()");
            ArchivingCluster.execute(promotedPort, "INSERT INTO events (note) VALUES ('tl2-after-target')");
            String lastSegment = ArchivingCluster.query(promotedPort, "SELECT pg_walfile_name(pg_current_wal_lsn())");
            ArchivingCluster.execute(promotedPort, "SELECT pg_switch_wal()");
            assertThat(lastSegment).startsWith("00000002");
            source.waitForSegment(lastSegment);
            source.stopRestored(promoted);

            Path second = source.newDirectory("second");
            int secondPort = port();
            Lifeboat.Run again = source.restore(second, secondPort, "--target-lsn", secondTarget);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(ArchivingCluster.query(secondPort, ROWS)).isEqualTo("tl1-a,tl1-b,tl2-a");
            assertThat(again.stdout()).contains("(timeline 3)");
            source.stopRestored(second);

            Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
            assertThat(info.exitCode()).as(info.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(info.stdout());
            JsonNode timeline2 = null;
            for (JsonNode t : json.get("wal")) {
                if (t.get("timeline").asInt() == 2) {
                    timeline2 = t;
                }
            }
            assertThat(timeline2).as(info.stdout()).isNotNull();
            assertThat(timeline2.get("parent").asInt()).isEqualTo(1);
            assertThat(json.get("backups")).hasSize(1);
        }
    }

    private static int port() {
        try (PortReservation reservation = FreePort.reserve()) {
            return reservation.port();
        }
    }
}
