package dev.lifeboat.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Flags beat LIFEBOAT_* variables, which beat the configuration file (a command's section first). */
class ConfigurationPrecedenceTest {

    @TempDir
    Path temp;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @Test
    void theFileThenTheEnvironmentThenTheFlag() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: /from-file\n");

        assertThat(run(Map.of(), "info", "--config", config.toString()).stderr()).contains("/from-file");
        assertThat(run(Map.of("LIFEBOAT_REPO", "/from-env"), "info", "--config", config.toString()).stderr()).contains("/from-env");
        assertThat(run(Map.of("LIFEBOAT_REPO", "/from-env"), "info", "--config", config.toString(), "--repo", "/from-flag").stderr())
                .contains("/from-flag");
        assertThat(run(Map.of("LIFEBOAT_CONFIG", config.toString()), "info").stderr()).contains("/from-file");
    }

    @Test
    void aCommandsOwnSectionWinsOverTheTopLevel() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: /top\ninfo:\n  repo: /for-info\n");
        assertThat(run(Map.of(), "info", "--config", config.toString()).stderr()).contains("/for-info");
    }

    @Test
    void aBrokenOrMissingFileIsAConfigurationError() throws IOException {
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, "repo: [unclosed\n");
        Result result = run(Map.of(), "info", "--config", broken.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("cannot read configuration file " + broken);

        Result missing = run(Map.of(), "info", "--config", temp.resolve("absent.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.stderr()).contains("does not exist");
    }

    @Test
    void jsonOutputCarriesTheErrorForScripts() {
        Result result = run(Map.of(), "info", "--repo", temp.resolve("none").toString(), "--output", "json");
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.stdout()).contains("\"code\":\"REPOSITORY\"").contains("\"exitCode\":4");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[]{"init", "backup", "wal-push", "wal-fetch", "restore", "info", "demo"}) {
            Result help = run(Map.of(), command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.stdout()).as(command).contains("Usage: lifeboat " + command).contains("--output");
        }
        assertThat(run(Map.of(), "--help").stdout()).contains("Exit codes");
    }

    @Test
    void anUnknownKeyIsAConfigurationErrorNamingFileKeyAndTheNearestKnownKey() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: /srv/repo\nbackup:\n  jbos: 4\n");
        Result inSection = run(Map.of(), "info", "--config", config.toString());
        assertThat(inSection.exitCode()).isEqualTo(3);
        assertThat(inSection.stderr()).contains(config + ": unknown key 'backup.jbos'").contains("did you mean 'backup.jobs'?");

        Files.writeString(config, "repo: /srv/repo\narchive-timout: 60\n");
        Result topLevel = run(Map.of(), "info", "--config", config.toString());
        assertThat(topLevel.exitCode()).isEqualTo(3);
        assertThat(topLevel.stderr()).contains(config + ": unknown key 'archive-timout'").contains("did you mean 'archive-timeout'?");

        Files.writeString(config, "repo: /srv/repo\nbackup:\n  prefetch: 4\n"); // an option, but not of backup
        Result notThisCommands = run(Map.of(), "info", "--config", config.toString());
        assertThat(notThisCommands.exitCode()).isEqualTo(3);
        assertThat(notThisCommands.stderr()).contains("unknown key 'backup.prefetch'");
    }

    @Test
    void theSchedulesKeysAndEachJobsKeysAreChecked() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: /srv/repo\nschedule:\n  time-zone: UTC\n  treads: 2\n  jobs: []\n");
        Result section = run(Map.of(), "info", "--config", config.toString());
        assertThat(section.exitCode()).isEqualTo(3);
        assertThat(section.stderr()).contains("unknown key 'schedule.treads'").contains("did you mean 'schedule.threads'?");

        Files.writeString(config, "repo: /srv/repo\nschedule:\n  jobs:\n    - name: tidy\n      kind: expire\n"
                + "      every: 6h\n      keep-fulll: 4\n");
        Result job = run(Map.of(), "info", "--config", config.toString());
        assertThat(job.exitCode()).isEqualTo(3);
        assertThat(job.stderr()).contains("unknown key 'schedule.jobs[0].keep-fulll'").contains("did you mean 'keep-full'?");
    }

    @Test
    void documentedKeysAreAccepted() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, String.join("\n",
                "repo: " + temp.resolve("none"),
                "pgdata: /var/lib/postgresql/15/main",
                "pg-port: 5432",
                "jobs: 2",
                "backup:",
                "  jobs: 4",
                "  type: full",
                "expire:",
                "  keep-full: 4",
                "check:",
                "  max-backup-age: 26h",
                "schedule:",
                "  time-zone: UTC",
                "  job-store: jdbc:postgresql://ops-db:5432/lifeboat",
                "  checkin-interval: 5s",
                "  misfire-threshold: 60s",
                "  threads: 4",
                "  table-prefix: QRTZ_",
                "  jobs:",
                "    - name: nightly",
                "      kind: backup",
                "      type: full",
                "      cron: \"0 0 2 * * ?\"",
                "    - name: tidy",
                "      kind: expire",
                "      every: 6h",
                "      pitr-window: 7d",
                "    - name: proof",
                "      kind: drill",
                "      every: 1d",
                "      checks: /etc/lifeboat/checks.sql",
                "      checks-database: postgres",
                "      scratch: /var/tmp",
                "      start-timeout: 600",
                "    - name: copy",
                "      kind: replicate",
                "      every: 1h",
                "      to: s3://bucket/prefix",
                ""));
        Result result = run(Map.of(), "info", "--config", config.toString());
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(4); // past the file: no repository there
    }

    @Test
    void aValueOfTheWrongShapeIsAConfigurationError() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: [/a, /b]\n");
        Result list = run(Map.of(), "info", "--config", config.toString());
        assertThat(list.exitCode()).isEqualTo(3);
        assertThat(list.stderr()).contains(config + ": key 'repo' must be a single value, not a list");

        Files.writeString(config, "repo: /srv/repo\nexpire: 4\n");
        Result section = run(Map.of(), "info", "--config", config.toString());
        assertThat(section.exitCode()).isEqualTo(3);
        assertThat(section.stderr()).contains("key 'expire' must be a section of options");
    }

    @Test
    void aBadValueInTheFileIsAConfigurationErrorNotAFlagError() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "repo: /srv/repo\nbackup:\n  jobs: -3\n");
        Result file = run(Map.of(), "backup", "--config", config.toString());
        assertThat(file.exitCode()).isEqualTo(3);
        assertThat(file.stderr()).contains(config + ": key 'backup.jobs': bad value: must be a whole number of 1 or more, not '-3'")
                .contains("--jobs").doesNotContain("Exception");

        Result overridden = run(Map.of(), "backup", "--config", config.toString(), "--jobs", "2");
        assertThat(overridden.stderr()).doesNotContain("backup.jobs").contains("--pgdata is required"); // the flag wins

        Files.writeString(config, "repo: /srv/repo\nrestore:\n  start-timeout: soon\n");
        Result word = run(Map.of(), "restore", "--config", config.toString());
        assertThat(word.exitCode()).isEqualTo(3);
        assertThat(word.stderr()).contains("key 'restore.start-timeout': bad value: must be a whole number, not 'soon'");

        Result env = run(Map.of("LIFEBOAT_JOBS", "0"), "verify", "--repo", "/srv/repo");
        assertThat(env.exitCode()).isEqualTo(3);
        assertThat(env.stderr()).contains("environment variable LIFEBOAT_JOBS: bad value: must be a whole number of 1 or more, not '0'");

        Result flag = run(Map.of(), "verify", "--repo", "/srv/repo", "--jobs", "0");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.stderr()).contains("--jobs").contains("must be a whole number of 1 or more, not '0'");
    }

    /** Values parsed past their converter once (a type, a level, a target, a wait) are refused while the file is read too. */
    @Test
    void everyBadValueInTheFileIsAConfigurationErrorNamingItsKey() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Map<String, String> fileToKey = new java.util.LinkedHashMap<>();
        fileToKey.put("backup:\n  type: weekly\n", "key 'backup.type': bad value: backup type must be full, diff or incr, not 'weekly'");
        fileToKey.put("init:\n  compress-level: 99\n", "key 'init.compress-level': bad value: must be a zstd level from 1 to 19, not '99'");
        fileToKey.put("restore:\n  target-timeline: 0\n",
                "key 'restore.target-timeline': bad value: must be 'latest' or a timeline number of 1 or more, not '0'");
        fileToKey.put("restore:\n  target-time: yesterday\n", "key 'restore.target-time': bad value: cannot read target time 'yesterday'");
        fileToKey.put("drill:\n  target-lsn: zz\n", "key 'drill.target-lsn': bad value: cannot read target LSN 'zz'");
        fileToKey.put("restore:\n  target-xid: minus-one\n", "key 'restore.target-xid': bad value: cannot read target transaction id");
        fileToKey.put("restore:\n  target: soon\n", "key 'restore.target': bad value: unknown --target 'soon'");
        fileToKey.put("lock-wait: forever\n", "key 'lock-wait': bad value: 'forever' is not a duration");
        String[][] commands = {{"backup"}, {"init"}, {"restore"}, {"restore"}, {"drill"}, {"restore"}, {"restore"}, {"expire", "--keep-full", "2"}};
        int i = 0;
        for (Map.Entry<String, String> entry : fileToKey.entrySet()) {
            Files.writeString(config, "repo: /srv/repo\n" + entry.getKey());
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(commands[i++]), java.util.stream.Stream.of("--config", config.toString()))
                    .toArray(String[]::new);
            Result result = run(Map.of(), args);
            assertThat(result.exitCode()).as(entry.getKey() + result.stderr()).isEqualTo(3);
            assertThat(result.stderr()).contains(config + ": " + entry.getValue()).contains("fix the value");
        }
    }

    @Test
    void theSameValuesGivenAsFlagsAreUsageErrorsNamingTheFlag() {
        assertThat(run(Map.of(), "restore", "--repo", "/srv/repo", "--target-timeline", "0")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("--target-timeline").contains("timeline number of 1 or more, not '0'").doesNotContain("history");
        });
        assertThat(run(Map.of(), "drill", "--repo", "/srv/repo", "--target-timeline", "-2").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), "init", "--repo", "/srv/repo", "--compress-level", "0")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("--compress-level").contains("from 1 to 19, not '0'");
        });
        assertThat(run(Map.of(), "backup", "--repo", "/srv/repo", "--type", "weekly").stderr()).contains("--type")
                .contains("full, diff or incr");
        assertThat(run(Map.of(), "restore", "--repo", "/srv/repo", "--target-time", "2026-11-20 14:03:00")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.stderr()).contains("--target-time").contains("with a time zone");
        });
    }

    /** A packaged /etc/lifeboat/lifeboat.yaml with every line commented out must not stop archive_command. */
    @Test
    void anEmptyOrCommentedOutFileSetsNothing() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        for (String content : new String[]{"", "# repo: /srv/lifeboat/main\n#pg-port: 5432\n", "---\n"}) {
            Files.writeString(config, content);
            Result result = run(Map.of(), "info", "--config", config.toString(), "--repo", temp.resolve("none").toString());
            assertThat(result.exitCode()).as("'%s': %s", content, result.stderr()).isEqualTo(4); // past the file: no repository there
        }
        Result schedule = run(Map.of(), "schedule", "list", "--config", config.toString());
        assertThat(schedule.exitCode()).isEqualTo(3);
        assertThat(schedule.stderr()).contains("has no 'schedule:' section");
    }

    /** YAML keeps the last of two equal keys without a word: the first setting would be ignored. */
    @Test
    void aKeyWrittenTwiceIsAConfigurationErrorNamingIt() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Map<String, String> fileToKey = Map.of(
                "repo: /a\npg-port: 5432\npg-port: 5433\n", "pg-port",
                "repo: /a\nbackup:\n  jobs: 2\n  type: full\n  jobs: 4\n", "backup.jobs",
                "repo: /a\nschedule:\n  jobs:\n    - name: nightly\n      kind: backup\n      every: 1h\n      every: 2h\n",
                "schedule.jobs[0].every");
        for (Map.Entry<String, String> entry : fileToKey.entrySet()) {
            Files.writeString(config, entry.getKey());
            Result result = run(Map.of(), "info", "--config", config.toString());
            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
            assertThat(result.stderr()).contains(config + ": key '" + entry.getValue() + "' is written twice");
        }
        Files.writeString(config, "repo: /a\nbackup:\n  jobs: 2\nrestore:\n  jobs: 2\n"); // the same name in two sections is fine
        assertThat(run(Map.of(), "info", "--config", config.toString()).exitCode()).isEqualTo(4);
    }

    @Test
    void yamlThatDoesNotParseIsNamedWithoutTheParsersInternals() throws IOException {
        Path broken = temp.resolve("broken.yaml");
        Files.writeString(broken, "repo: /srv\nbackup:\n  jobs: [4\n");
        Result result = run(Map.of(), "info", "--config", broken.toString());
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).contains("cannot read configuration file " + broken + ": it is not valid YAML (line")
                .doesNotContain("flow sequence").doesNotContain("reader");
    }

    @Test
    void checkThresholdsComeFromTheFileThenTheEnvironmentThenTheFlag() throws IOException {
        Path repository = Files.createDirectories(temp.resolve("repo"));
        dev.lifeboat.core.repo.Repository.initialize(dev.lifeboat.storage.BlobStores.open(repository.toString()),
                dev.lifeboat.core.testing.TestRepositoryDescriptor.standard()).close();
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, "check:\n  backup-age-warning: 2h\n");

        assertThat(backupAgeWarning(run(Map.of(), "check", "--repo", repository.toString(), "--output", "json"))).isEqualTo(93600);
        assertThat(backupAgeWarning(run(Map.of(), "check", "--config", config.toString(), "--repo", repository.toString(),
                "--output", "json"))).isEqualTo(7200);
        assertThat(backupAgeWarning(run(Map.of("LIFEBOAT_BACKUP_AGE_WARNING", "3h"), "check", "--config", config.toString(),
                "--repo", repository.toString(), "--output", "json"))).isEqualTo(10800);
        assertThat(backupAgeWarning(run(Map.of("LIFEBOAT_BACKUP_AGE_WARNING", "3h"), "check", "--config", config.toString(),
                "--repo", repository.toString(), "--output", "json", "--backup-age-warning", "4h"))).isEqualTo(14400);

        Files.writeString(config, "check:\n  backup-age-warning: soon\n");
        Result bad = run(Map.of(), "check", "--config", config.toString(), "--repo", repository.toString(), "--output", "nagios");
        assertThat(bad.exitCode()).as(bad.stderr()).isEqualTo(3);
        assertThat(bad.stderr()).contains(config + ": key 'check.backup-age-warning'").contains("'soon' is not a duration");
    }

    @Test
    void onlyCheckSpeaksToMonitors() {
        Result result = run(Map.of(), "info", "--repo", temp.resolve("none").toString(), "--output", "nagios");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--output nagios is for lifeboat check only");
    }

    private static double backupAgeWarning(Result result) throws IOException {
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isEqualTo(13);
        for (com.fasterxml.jackson.databind.JsonNode check : dev.lifeboat.core.json.Json.mapper().readTree(result.stdout()).get("checks")) {
            if (check.get("name").asText().equals("backup_age")) {
                return check.get("warning").asDouble();
            }
        }
        throw new AssertionError("no backup_age check in " + result.stdout());
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
