package dev.lifeboat.cli.it;

import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.lifeboat.storage.s3.LocalS3Server.EU_BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

/** What Lifeboat tells the operator is true: a command printed works as printed, a timeout blames only what happened during it. */
class HonestMessagesIT {

    @Test
    void initWithAnS3RepositoryPrintsAnArchiveCommandThatWorksAsPrinted() {
        try (S3Regions regions = S3Regions.start(); ArchivingCluster cluster = ArchivingCluster.startWithoutInit()) {
            String uri = regions.uri(EU_BUCKET, "printed");
            Lifeboat.Run init = Lifeboat.run(regions.env(), "init", "--repo", uri, "--pgdata", cluster.dataDirectory().toString(),
                    "--pg-port", Integer.toString(cluster.port()));
            assertThat(init.exitCode()).as(init.toString()).isZero();

            String line = init.stdout().lines().filter(l -> l.contains("archive_command = ")).findFirst().orElseThrow();
            String quoted = line.substring(line.indexOf("archive_command = ") + "archive_command = ".length()).strip();
            assertThat(quoted).startsWith("'").endsWith("'");
            // As PostgreSQL reads it: the string literal, then %p and %% expanded, then /bin/sh.
            String command = quoted.substring(1, quoted.length() - 1).replace("''", "'").replace("\\\\", "\\");
            assertThat(command).doesNotContain("(region").contains("wal-push");

            String segment = ClusterSql.queryForString(cluster.cluster(), "SELECT pg_walfile_name(pg_current_wal_lsn())");
            ClusterSql.execute(cluster.cluster(), "SELECT pg_switch_wal()");
            Path walFile = cluster.dataDirectory().resolve("pg_wal").resolve(segment);
            String expanded = command.replace("%p", walFile.toString()).replace("%%", "%");
            assertThat(expanded).contains("'" + uri + "'");
            Lifeboat.Run push = Lifeboat.exec(List.of("sh", "-c", expanded), regions.env(), cluster.dataDirectory());
            assertThat(push.exitCode()).as(push.toString()).isZero();
            assertThat(regions.hasKeyStartingWith(EU_BUCKET, "printed", "wal/00000001/" + segment.substring(0, 16) + "/" + segment)).isTrue();
        }
    }

    @Test
    void aBackupTimeoutDoesNotBlameAnArchiverFailureFromBeforeIt() throws InterruptedException {
        // The repository does not exist yet, so archive_command fails and pg_stat_archiver keeps that failure.
        try (ArchivingCluster cluster = ArchivingCluster.startWithoutInit()) {
            ClusterSql.execute(cluster.cluster(), "CREATE TABLE t AS SELECT 1 AS id");
            ClusterSql.execute(cluster.cluster(), "SELECT pg_switch_wal()");
            await(cluster, "SELECT failed_count > 0 FROM pg_stat_archiver");
            // Then archiving "works" but stores nothing: the WAL a backup needs never arrives.
            ClusterSql.execute(cluster.cluster(), "ALTER SYSTEM SET archive_command = 'true'");
            ClusterSql.execute(cluster.cluster(), "SELECT pg_reload_conf()");
            await(cluster, "SELECT last_archived_wal IS NOT NULL FROM pg_stat_archiver");
            Lifeboat.Run init = cluster.lifeboat("init", "--repo", cluster.repository().toString(), "--pgdata",
                    cluster.dataDirectory().toString(), "--pg-port", Integer.toString(cluster.port()));
            assertThat(init.exitCode()).as(init.toString()).isZero();

            Lifeboat.Run backup = Lifeboat.run("backup", "--repo", cluster.repository().toString(), "--pgdata",
                    cluster.dataDirectory().toString(), "--pg-port", Integer.toString(cluster.port()), "--archive-timeout", "3");
            BadInputIT.assertFailure(backup, 11, "did not reach the repository within 3s", "archive_command");
            assertThat(backup.stderr()).doesNotContain("failed on").contains("the archiver last archived");
        }
    }

    @Test
    void anInterruptedRestoreSaysSoAndTheNextRestoreIntoItKnowsWhy() throws Exception {
        try (ArchivingCluster cluster = ArchivingCluster.start()) {
            ClusterSql.execute(cluster.cluster(), "CREATE TABLE t AS SELECT g, md5(g::text) AS h FROM generate_series(1, 300000) g");
            assertThat(cluster.backup().exitCode()).isZero();
            Path pgdata = cluster.newDirectory("interrupted");
            Path stderr = cluster.newDirectory("stderr");
            // A slow download keeps the restore busy writing files long enough to interrupt it there.
            ProcessBuilder builder = new ProcessBuilder(Lifeboat.launcher().toString(), "restore", "--repo", cluster.repository().toString(),
                    "--pgdata", pgdata.toString(), "--no-start", "--max-rate", "512KB/s");
            builder.environment().remove("LIFEBOAT_CONFIG");
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
            Process restore = builder.start();
            Path marker = pgdata.resolve("lifeboat-restore-incomplete");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!java.nio.file.Files.exists(marker)) {
                assertThat(restore.isAlive()).as("restore still writing").isTrue();
                assertThat(Instant.now()).isBefore(deadline);
                Thread.sleep(5);
            }
            new ProcessBuilder("kill", "-INT", Long.toString(restore.pid())).start().waitFor();
            assertThat(restore.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(restore.exitValue()).isNotZero();
            assertThat(java.nio.file.Files.readString(stderr))
                    .contains("lifeboat: error: the restore into " + pgdata + " was interrupted before it finished")
                    .contains("hint: the restore was interrupted (SIGINT or SIGTERM)");

            Lifeboat.Run again = Lifeboat.run("restore", "--repo", cluster.repository().toString(), "--pgdata", pgdata.toString(),
                    "--no-start");
            BadInputIT.assertFailure(again, 7, "holds a restore that was interrupted", "the restore into it was interrupted");
        }
    }

    private static void await(ArchivingCluster cluster, String condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!"t".equals(ClusterSql.queryForString(cluster.cluster(), condition))) {
            assertThat(Instant.now()).as("waiting for: " + condition).isBefore(deadline);
            Thread.sleep(200);
        }
    }
}
