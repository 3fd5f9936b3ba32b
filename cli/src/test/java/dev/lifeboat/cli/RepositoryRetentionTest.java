package dev.lifeboat.cli;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A repository's 'retention' in the configuration file is what expire keeps there, unless a flag says otherwise. */
class RepositoryRetentionTest {

    @TempDir
    Path temp;

    private Path eu;
    private Path us;
    private Path config;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @BeforeEach
    void twoConfiguredRepositories() throws IOException {
        eu = initialized("eu");
        us = initialized("us");
        config = temp.resolve("lifeboat.yaml");
        Files.writeString(config, """
                expire:
                  keep-full: 9
                repositories:
                  - name: eu
                    uri: %s
                    retention:
                      keep-full: 2
                      pitr-window: 7d
                  - name: us
                    uri: %s
                    required: false
                """.formatted(eu, us));
    }

    @Test
    void expireUsesTheChosenRepositorysRetention() throws IOException {
        assertThat(policy(Map.of(), "--repo-name", "eu")).isEqualTo("keep 2 full, point-in-time window 7d");
        assertThat(policy(Map.of(), "--repo", eu.toString())).as("--repo naming a configured location")
                .isEqualTo("keep 2 full, point-in-time window 7d");
        assertThat(policy(Map.of(), "--repo-name", "us")).as("no retention of its own: the expire section")
                .isEqualTo("keep 9 full");
    }

    @Test
    void flagsAndVariablesOverrideTheConfiguredRetentionRuleByRule() throws IOException {
        assertThat(policy(Map.of(), "--repo-name", "eu", "--keep-full", "5")).isEqualTo("keep 5 full, point-in-time window 7d");
        assertThat(policy(Map.of(), "--repo-name", "eu", "--pitr-window", "1d", "--keep-within", "3d"))
                .isEqualTo("keep 2 full, keep backups of the last 3d, point-in-time window 1d");
        assertThat(policy(Map.of("LIFEBOAT_KEEP_FULL", "3"), "--repo-name", "eu")).isEqualTo("keep 3 full, point-in-time window 7d");
    }

    @Test
    void anUnknownRetentionKeyIsAConfigurationErrorNamingTheFileAndTheKey() throws IOException {
        Files.writeString(config, """
                repositories:
                  - name: eu
                    uri: %s
                    retention: {full: 4, window: 14d}
                """.formatted(eu));

        Result result = run(Map.of(), "expire", "--config", config.toString(), "--dry-run");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stderr()).contains(config.toString()).contains("repository eu").contains("unknown key 'full'")
                .contains("keep-full");
    }

    @Test
    void aBadRetentionValueIsAConfigurationErrorNamingTheFileAndTheKey() throws IOException {
        Files.writeString(config, """
                repositories:
                  - name: eu
                    uri: %s
                    retention: {pitr-window: a week}
                """.formatted(eu));

        Result result = run(Map.of(), "expire", "--config", config.toString(), "--dry-run");

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stderr()).contains(config.toString()).contains("repository eu: retention pitr-window is 'a week'");
    }

    private String policy(Map<String, String> env, String... args) throws IOException {
        String[] all = new String[args.length + 5];
        all[0] = "expire";
        all[1] = "--config";
        all[2] = config.toString();
        all[3] = "--dry-run";
        all[4] = "--output=json";
        System.arraycopy(args, 0, all, 5, args.length);
        Result result = run(env, all);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return new ObjectMapper().readTree(result.stdout()).get("policy").asText();
    }

    private Path initialized(String name) {
        Path repo = temp.resolve(name);
        Repository.initialize(new FileSystemBlobStore(repo), TestRepositoryDescriptor.standard()).close();
        return repo;
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
