package dev.lifeboat.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.storage.fs.FileSystemBlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The expire and schedule commands in-process: their refusals and what they leave behind. */
class ExpireAndScheduleCommandsTest {

    @TempDir
    Path temp;

    private Path repo;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void repository() {
        repo = temp.resolve("repo");
        Repository.initialize(new FileSystemBlobStore(repo), TestRepositoryDescriptor.standard()).close();
    }

    @Test
    void expireWithoutARuleOrWithAYoungOrphanAgeIsAUsageErrorAndChangesNothing() throws IOException {
        List<String> before = files();
        Result none = run("expire", "--repo", repo.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.stderr()).contains("no retention rule given").contains("hint:").contains("--keep-full");
        Result young = run("expire", "--repo", repo.toString(), "--keep-full", "1", "--orphan-age", "5m");
        assertThat(young.exitCode()).isEqualTo(2);
        assertThat(young.stderr()).contains("--orphan-age must be at least 1h");
        Result badDuration = run("expire", "--repo", repo.toString(), "--pitr-window", "a week");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.stderr()).contains("'a week' is not a duration");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void aDryRunLeavesNoTraceAndARealRunIsRecorded() throws IOException {
        List<String> before = files();
        Result dry = run("expire", "--repo", repo.toString(), "--keep-full", "2", "--pitr-window", "7d", "--dry-run", "--output", "json");
        assertThat(dry.exitCode()).as(dry.stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(dry.stdout());
        assertThat(json.get("dryRun").asBoolean()).isTrue();
        assertThat(json.get("policy").asText()).isEqualTo("keep 2 full, point-in-time window 7d");
        assertThat(files()).isEqualTo(before);

        Result real = run("expire", "--repo", repo.toString(), "--keep-full", "2");
        assertThat(real.exitCode()).as(real.stderr()).isZero();
        assertThat(real.stdout()).contains("no backups").contains("WAL: removed 0 file(s)");
        assertThat(files()).anyMatch(f -> f.startsWith("jobs/expire/") && f.endsWith(".json"));
        assertThat(run("info", "--repo", repo.toString()).stdout()).containsPattern("expire\\s+expire\\s+succeeded");
    }

    @Test
    void aScheduleNeedsAConfigurationFileAndAJobWithoutItsSettingsIsRefused() throws IOException {
        Result noFile = run("schedule", "list");
        assertThat(noFile.exitCode()).isEqualTo(3);
        assertThat(noFile.stderr()).contains("the schedule lives in the configuration file");

        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, """
                repo: %s
                schedule:
                  jobs:
                    - name: copy-to-us
                      kind: replicate
                      cron: "0 0 4 ? * SUN"
                """.formatted(repo));
        for (String sub : List.of("run", "list", "crontab")) {
            Result refused = run("schedule", sub, "--config", config.toString());
            assertThat(refused.exitCode()).as(sub).isEqualTo(3);
            assertThat(refused.stderr()).as(sub).contains("schedule job 'copy-to-us': no 'to' for the replication");
        }
    }

    @Test
    void scheduleListShowsNextTimesAndThatAJobNeverRan() throws IOException {
        Path config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, """
                repo: %s
                schedule:
                  time-zone: UTC
                  jobs:
                    - name: tidy
                      kind: expire
                      cron: "0 30 3 * * ?"
                      keep-full: 2
                """.formatted(repo));
        Result list = run("schedule", "list", "--config", config.toString());
        assertThat(list.exitCode()).as(list.stderr()).isZero();
        assertThat(list.stdout()).contains("job store: in memory (one host)").contains("tidy (expire, cron '0 30 3 * * ?' (UTC))")
                .containsPattern("next:  \\d{4}-\\d\\d-\\d\\d 03:30:00\\+00:00, ").contains("last:  never ran");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(repo)) {
            return all.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString()).sorted().toList();
        }
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
