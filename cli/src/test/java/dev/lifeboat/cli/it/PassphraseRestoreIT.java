package dev.lifeboat.cli.it;

import dev.lifeboat.core.crypto.Passphrase;
import dev.lifeboat.core.pg.ScratchDirectory;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.jobs.JobRun;
import dev.lifeboat.core.jobs.JobRunLog;
import dev.lifeboat.core.testing.ClusterSql;
import dev.lifeboat.core.testing.TestClusters;
import dev.lifeboat.storage.BlobStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A repository encrypted with a passphrase only: the cluster archives with a passphrase command,
 * the operator restores with LIFEBOAT_PASSPHRASE. The restored instance's restore_command gets
 * the key stretched from the passphrase through a 0600 file inside pg_wal, never the passphrase;
 * the file is gone once the instance is promoted.
 */
class PassphraseRestoreIT {

    private static final String CHECKSUM = PointInTimeRestoreIT.CHECKSUM;
    private static final String PASSPHRASE = "correct horse " + HexFormat.of().formatHex(TestKeyFile.randomBytes(8));

    private static ScratchDirectory keys;
    private static ArchivingCluster source;

    @BeforeAll
    static void passphraseRepositoryWithABackup() throws IOException {
        keys = ScratchDirectory.create("lifeboat-passphrase-");
        Path command = keys.resolve("passphrase.sh");
        Files.writeString(command, "#!/bin/sh\necho '" + PASSPHRASE + "'\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwx------"));
        TestClusters.serverUser().handOver(keys.path()); // archive_command runs it as the server user

        source = ArchivingCluster.startWithoutInit(List.of("--passphrase-command", command.toString()));
        Lifeboat.Run init = Lifeboat.run(Map.of("LIFEBOAT_PASSPHRASE", PASSPHRASE), "init", "--encrypt", "--repo", source.repository().toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
        assertThat(init.exitCode()).as(init.toString()).isZero();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 500) g");
        Lifeboat.Run backup = withPassphrase("backup", "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (keys != null) {
            keys.close();
        }
    }

    @Test
    void pointInTimeRestoreWithThePassphraseBringsBackTheRowsAndLeavesNoSecretBehind() throws IOException {
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, 'later ' || g FROM generate_series(501, 800) g");
        Instant target = Instant.parse(ClusterSql.queryForString(source.cluster(),
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        String expected = ClusterSql.queryForString(source.cluster(), CHECKSUM);
        ArchivingCluster.sleep(20);
        ClusterSql.execute(source.cluster(), "DELETE FROM orders WHERE id % 5 = 0");
        source.switchAndWaitForArchive();

        Path pgdata = source.newDirectory("restored");
        int port = ArchivingCluster.freePort();
        String time = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC).format(target);
        Lifeboat.Run restore = withPassphrase("restore", "--pgdata", pgdata.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120", "--target-time", time);
        try {
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(ArchivingCluster.query(port, CHECKSUM)).isEqualTo(expected);
            String autoConf = Files.readString(pgdata.resolve("postgresql.auto.conf"));
            assertThat(autoConf).contains("--key-file " + pgdata.resolve("pg_wal/.lifeboat/repository.key"))
                    .doesNotContain(PASSPHRASE).doesNotContain("correct horse");
            assertThat(pgdata.resolve("pg_wal/.lifeboat/repository.key")).as("removed once promoted").doesNotExist();
            assertThat(processCommandLines()).doesNotContain("correct horse");
            assertThat(restore.stdout() + restore.stderr()).doesNotContain(PASSPHRASE);
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    void aStandbyKeepsTheDerivedKeyUntilItIsPromoted() throws IOException {
        Path pgdata = source.newDirectory("standby");
        int port = ArchivingCluster.freePort();
        Lifeboat.Run standby = withPassphrase("restore", "--pgdata", pgdata.toString(), "--port", Integer.toString(port),
                "--start-timeout", "120", "--standby");
        try {
            assertThat(standby.exitCode()).as(standby.toString()).isZero();
            Path keyFile = pgdata.resolve("pg_wal/.lifeboat/repository.key");
            assertThat(standby.stdout()).contains("restore_command reads the repository key (derived from the passphrase) from " + keyFile
                    + "; it is removed by 'lifeboat promote'");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            assertThat(Files.getOwner(keyFile)).isEqualTo(Files.getOwner(pgdata));

            Lifeboat.Run promote = Lifeboat.run("promote", "--pgdata", pgdata.toString());
            assertThat(promote.exitCode()).as(promote.toString()).isZero();
            assertThat(keyFile).as("removed once promoted").doesNotExist();
        } finally {
            source.stopRestored(pgdata);
        }
    }

    @Test
    void anInstanceNotYetStartedKeepsTheDerivedKeyInA0600FileThatHoldsNoPassphrase() throws IOException {
        Path pgdata = source.newDirectory("not-started");
        Lifeboat.Run restore = withPassphrase("restore", "--pgdata", pgdata.toString(), "--no-start", "--target", "latest");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        Path keyFile = pgdata.resolve("pg_wal/.lifeboat/repository.key");
        assertThat(restore.stdout()).contains("restore_command reads the repository key (derived from the passphrase) from " + keyFile);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String content = Files.readString(keyFile);
        assertThat(content).startsWith("lifeboat derived key-encryption keys v1\nargon2id 65536 3 1 ").doesNotContain("correct horse");

        // the file opens the repository by itself, as restore_command will
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString(), "--key-file", keyFile.toString());
        assertThat(info.exitCode()).as(info.toString()).isZero();
        // but it is no key of its own: it cannot create a repository
        Lifeboat.Run init = Lifeboat.run("init", "--encrypt", "--repo", source.newDirectory("other-repo").toString(), "--key-file", keyFile.toString(),
                "--pgdata", source.dataDirectory().toString(), "--pg-port", Integer.toString(source.port()));
        assertThat(init.exitCode()).as(init.toString()).isEqualTo(15);
        assertThat(init.stderr()).contains("holds keys derived from a passphrase");
    }

    @Test
    void aScheduledBackupOpensTheRepositoryWithTheJobsPassphraseCommandAndItsRecordIsEncrypted() throws IOException {
        String job = "nightly-" + Long.toHexString(System.nanoTime());
        Path config = scheduleConfig(job, "passphrase-command: " + keys.resolve("passphrase.sh"));
        Lifeboat.Run run = Lifeboat.run("schedule", "exec", job, "--config", config.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();

        try (Repository repository = Repository.open(BlobStores.openWithDefaults(source.repository().toString()), Passphrase.of(PASSPHRASE, "test"))) {
            assertThat(new JobRunLog(repository, Clock.systemUTC()).history(job).finished()).singleElement()
                    .satisfies(r -> assertThat(r.outcome()).isEqualTo(JobRun.Outcome.SUCCEEDED));
        }
        List<Path> records;
        try (var walk = Files.walk(source.repository().resolve("jobs"))) {
            records = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(records).isNotEmpty();
        for (Path record : records) {
            assertThat(new String(Files.readAllBytes(record), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("job record %s as stored", record).doesNotContain(job).doesNotContain("SUCCEEDED").doesNotContain("succeeded");
        }
    }

    @Test
    void aJobWithAMissingKeyFileIsRefusedWhenTheScheduleIsReadAndAWrongPassphraseFailsTheRun() throws IOException {
        Path missing = keys.resolve("missing.key");
        String job = "keyless-" + Long.toHexString(System.nanoTime());
        Lifeboat.Run refused = Lifeboat.run("schedule", "exec", job, "--config", scheduleConfig(job, "key-file: " + missing).toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(15);
        assertThat(refused.stderr()).contains("key file " + missing + " does not exist");

        Path wrong = keys.resolve("wrong.sh");
        Files.writeString(wrong, "#!/bin/sh\necho 'not the passphrase'\n");
        Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rwx------"));
        Lifeboat.Run failed = Lifeboat.run("schedule", "exec", job, "--config", scheduleConfig(job, "passphrase-command: " + wrong).toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(15);
        assertThat(failed.stderr()).contains(source.repository().toString()).doesNotContain("not the passphrase");
    }

    private static Path scheduleConfig(String job, String keySetting) throws IOException {
        Path config = source.scratch().resolve(job + ".yaml");
        Files.writeString(config, """
                repo: %s
                pgdata: %s
                pg-port: %d
                %s
                schedule:
                  jobs:
                    - name: %s
                      kind: backup
                      every: 6h
                """.formatted(source.repository(), source.dataDirectory(), source.port(), keySetting, job));
        return config;
    }

    private static Lifeboat.Run withPassphrase(String command, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(command, "--repo", source.repository().toString()));
        all.addAll(List.of(args));
        return Lifeboat.run(Map.of("LIFEBOAT_PASSPHRASE", PASSPHRASE), all.toArray(String[]::new));
    }

    /** What ps shows of every process: their command lines. */
    private static String processCommandLines() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    all.append(new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ')).append('\n');
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        return all.toString();
    }


}
