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

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
