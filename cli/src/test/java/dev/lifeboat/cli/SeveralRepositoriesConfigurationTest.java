package dev.lifeboat.cli;

import dev.lifeboat.cli.common.ConfigFile;
import dev.lifeboat.cli.common.ConfiguredRepositories;
import dev.lifeboat.core.codec.ObjectCodec;
import dev.lifeboat.core.repo.Repository;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.testing.TestRepositoryDescriptor;
import dev.lifeboat.core.wal.TestSegments;
import dev.lifeboat.storage.memory.InMemoryBlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The 'repositories' list of the configuration file, --repo-name and the store options, in-process over mem:// stores. */
class SeveralRepositoriesConfigurationTest {

    private static final String TWO = "repositories:\n"
            + "  - name: eu\n    uri: mem://eu\n    retention:\n      keep-full: 4\n      pitr-window: 14d\n"
            + "  - name: us\n    uri: mem://us\n    required: false\n";

    @TempDir
    Path temp;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @AfterEach
    void forgetStores() {
        InMemoryBlobStore.forgetAllNamed();
    }

    @Test
    void theListIsReadWithItsRequiredFlagsAndRetentionSettings() throws IOException {
        List<RepositoryConfig> members = ConfiguredRepositories.of(ConfigFile.load(config(TWO)));

        assertThat(members).extracting(RepositoryConfig::name).containsExactly("eu", "us");
        assertThat(members).extracting(RepositoryConfig::required).containsExactly(true, false);
        assertThat(members.get(0).retention()).containsEntry("keep-full", "4").containsEntry("pitr-window", "14d");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "repo: /x\\nrepositories:\\n  - {name: eu, uri: /y}                             | has both 'repo' and 'repositories'",
            "repositories: /x                                                                | must be a list",
            "repositories:\\n  - {name: eu}                                                  | repository eu has no uri",
            "repositories:\\n  - {name: Europe, uri: /y}                                     | needs a name of lowercase letters",
            "repositories:\\n  - {name: eu, uri: /y}\\n  - {name: eu, uri: /z}               | two repositories are named 'eu'",
            "repositories:\\n  - {name: eu, uri: /y}\\n  - {name: us, uri: /y/}              | repositories eu and us have the same uri",
            "repositories:\\n  - {name: eu, uri: /y, required: maybe}                        | 'required' must be true or false",
            "repositories:\\n  - {name: eu, uri: /y, region: eu-west-1}                      | unknown key 'region'",
            "repositories:\\n  - {name: eu, uri: /y, required: false}                        | no repository is marked required"})
    void aWrongListIsAConfigurationErrorNamingTheProblem(String yaml, String problem) throws IOException {
        Result result = run("info", "--config", config(yaml.replace("\\n", "\n")).toString());

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
        assertThat(result.stderr()).startsWith("lifeboat: error: configuration file ").contains(problem).contains("  hint: ");
    }

    @Test
    void everyCommandWorksOnAllOfThemOrThoseNamed() throws IOException {
        initialize("eu");
        initialize("us");
        Path config = config(TWO);

        Result all = run("info", "--config", config.toString());
        assertThat(all.exitCode()).as(all.stderr()).isZero();
        assertThat(all.stdout()).contains("== eu (required)").contains("== us").contains("repository mem://eu").contains("repository mem://us");

        Result one = run("info", "--config", config.toString(), "--repo-name", "us");
        assertThat(one.stdout()).contains("repository mem://us").doesNotContain("mem://eu");

        Result unknown = run("info", "--config", config.toString(), "--repo-name", "ap");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no repository named 'ap' is configured").contains("configured: eu, us");

        Result both = run("info", "--config", config.toString(), "--repo-name", "us", "--repo", "/x");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--repo and --repo-name exclude each other");
    }

    @Test
    void walFetchSaysNotFoundOnlyWhenEveryRepositoryDoes() throws IOException {
        initialize("eu");
        initialize("us");

        Result fetch = run("wal-fetch", "--config", config(TWO).toString(), "000000010000000000000009", temp.resolve("x").toString());

        assertThat(fetch.exitCode()).isEqualTo(1);
    }

    @Test
    void replicateCopiesBetweenConfiguredRepositoriesByName() throws IOException {
        Repository eu = initialize("eu");
        Path segment = Files.write(temp.resolve("seg"), TestSegments.empty("000000010000000000000003", "7441")); // copies check what a segment holds
        eu.wal().push("000000010000000000000003.partial", segment, ObjectCodec.sha256(segment), null);

        Result replicate = run("replicate", "--config", config(TWO).toString(), "--to", "us");

        assertThat(replicate.exitCode()).as(replicate.stderr()).isZero();
        assertThat(replicate.stdout()).contains("replicated mem://eu -> mem://us (new repository)").contains("1 copied");
        assertThat(Repository.open(InMemoryBlobStore.named("us")).wal().find("000000010000000000000003.partial")).isPresent();
    }

    @Test
    void storeOptionsApplyToEveryCommand() throws IOException {
        initialize("eu");

        Result logged = run("info", "--repo", "mem://eu", "--log-requests");
        assertThat(logged.exitCode()).as(logged.stderr()).isZero();
        assertThat(logged.stderr()).contains("lifeboat: store GET mem://eu lifeboat.json").contains("lifeboat: store LIST mem://eu");

        Result badRate = run("info", "--repo", "mem://eu", "--max-rate", "fast");
        assertThat(badRate.exitCode()).isEqualTo(2);
        assertThat(badRate.stderr()).contains("--max-rate").contains("'fast'");

        assertThat(run("info", "--repo", "mem://eu", "--max-rate", "50MB/s", "--request-timeout", "30").exitCode()).isZero();
        assertThat(run("replicate", "--help").stdout()).contains("Usage: lifeboat replicate").contains("--max-rate").contains("--output");
    }

    @Test
    void theReportShowsEveryConfiguredRepositoryAndOneThatCannotBeReadAsUnavailable() throws IOException {
        initialize("eu");
        Path page = temp.resolve("report.html");

        Result report = run("report", "--config", config(TWO).toString(), "--html", page.toString());

        assertThat(report.exitCode()).as(report.stderr()).isEqualTo(4);
        assertThat(report.stderr()).startsWith("lifeboat: error: repository us: no Lifeboat repository at mem://us");
        String html = Files.readString(page);
        assertThat(html).contains("<section class=\"repository\" id=\"repository-0\" data-name=\"eu\">")
                .contains("<table id=\"backups-0\"")
                .contains("<section class=\"repository\" id=\"repository-1\" data-name=\"us\">")
                .contains("<p class=\"error\">Unavailable: no Lifeboat repository at mem://us</p>");
    }

    private Repository initialize(String name) {
        return Repository.initialize(InMemoryBlobStore.named(name), TestRepositoryDescriptor.standard());
    }

    private Path config(String yaml) throws IOException {
        Path file = temp.resolve("lifeboat-" + System.nanoTime() + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
