package dev.lifeboat.cli.it;

import dev.lifeboat.core.pg.FreePort;
import dev.lifeboat.core.pg.PortReservation;
import dev.lifeboat.core.pg.ShutdownMode;
import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming into an encrypted repository: the partial segment the agent streams is stored
 * encrypted like every other object, and a restore to latest after the primary died still
 * brings back the rows of its last second.
 */
@RunsAlone
class EncryptedStreamingIT {

    private static final String MARKER = "lifeboat-streamed-marker";

    @Test
    void rowsCommittedASecondBeforeThePrimaryDiedComeBackFromAStreamedSegmentThatHoldsNoRowInTheClear() throws IOException {
        try (TestKeyFile key = TestKeyFile.create("lifeboat-keys-")) {
            Path keyFile = key.path();
            try (ArchivingCluster source = ArchivingCluster.startEncrypted(key)) {
                AgentProcess agent = source.startAgent("--stream", "--key-file", keyFile.toString());
                agent.awaitLog("streaming WAL from", Duration.ofSeconds(60));
                ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id int PRIMARY KEY, note text)");
                Lifeboat.Run backup = source.lifeboat("backup", "--repo", source.repository().toString(), "--key-file",
                        keyFile.toString(), "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
                assertThat(backup.exitCode()).as(backup.toString()).isZero();

                ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, '" + MARKER + " ' || g FROM generate_series(1, 500) g");
                String segment = ClusterSql.queryForString(source.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
                ArchivingCluster.sleep(1000);
                agent.kill(); // the whole machine dies: the agent with it
                source.cluster().stop(ShutdownMode.IMMEDIATE);

                Path streamed = source.repository().resolve("stream").resolve(segment.substring(0, 8)).resolve(segment + ".zst");
                assertThat(streamed).as("agent log:\n" + agent.log()).exists();
                assertThat(StoredText.holds(streamed, MARKER)).as("the marker readable in " + streamed).isFalse();

                int port;
                try (PortReservation reserved = FreePort.reserve()) {
                    port = reserved.port();
                }
                Lifeboat.Run restore = source.restore(source.newDirectory("after-crash"), port, "--key-file", keyFile.toString(),
                        "--target", "latest");
                assertThat(restore.exitCode()).as(restore + "\nagent:\n" + agent.log()).isZero();
                assertThat(ArchivingCluster.query(port, "SELECT count(*) || ':' || max(id) FROM orders")).isEqualTo("500:500");
                assertThat(ArchivingCluster.query(port, "SELECT count(*) FROM orders WHERE note LIKE '" + MARKER + " %'")).isEqualTo("500");
            }
        }
    }
}
