package dev.lifeboat.cli.common;

import dev.lifeboat.cli.Main;
import dev.lifeboat.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit statuses users and PostgreSQL read: decided in ExitStatus, listed by --help, documented in the README. */
class ExitStatusTest {

    /** The JVM's own status when SIGTERM ends it (128 + 15): README documents it for `schedule run`. */
    private static final int ENDED_BY_SIGTERM = 143;

    @TempDir
    Path temp;

    record Result(int exitCode, String stdout, String stderr) {
    }

    @Test
    void theReadmesExitCodeTableListsExactlyTheStatusesLifeboatExitsWith() throws IOException {
        Set<Integer> documented = readmeExitCodes();

        Set<Integer> decided = new TreeSet<>(List.of(ExitStatus.OK, ExitStatus.WAL_FETCH_ABORT_RECOVERY, ENDED_BY_SIGTERM));
        Arrays.stream(ErrorCode.values()).map(ErrorCode::exitCode).forEach(decided::add);

        assertThat(documented).as("README.md '## Exit codes' against ErrorCode").isEqualTo(decided);
    }

    @Test
    void everyErrorCodeHasItsOwnNumber() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::exitCode).distinct().count()).isEqualTo(ErrorCode.values().length);
    }

    @Test
    void theHelpListsEveryErrorCode() {
        Result help = run(Map.of(), "--help");

        String footer = help.stdout().substring(help.stdout().indexOf("Exit codes:")).replaceAll("\\s+", " ");
        assertThat(footer).startsWith("Exit codes: 0 ok, ");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(footer).contains(" " + code.exitCode() + " " + code.summary());
        }
        assertThat(footer).endsWith("wal-fetch exits 128 on every other failure. ");
    }

    @Test
    void aFailureExitsWithItsCodeExceptInWalFetchWhereItStopsRecovery() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("no-repository"));

        assertThat(run(Map.of(), "info", "--repo", empty.toString()).exitCode()).isEqualTo(ErrorCode.REPOSITORY.exitCode());
        Result fetch = run(Map.of(), "wal-fetch", "--repo", empty.toString(), "000000010000000000000001", temp.resolve("x").toString());
        assertThat(fetch.exitCode()).as(fetch.stderr()).isEqualTo(128);
        assertThat(fetch.stderr()).startsWith("lifeboat: error: ");
    }

    @Test
    void aBadFlagIsUsageExceptInWalFetchWhereItStopsRecovery() {
        assertThat(run(Map.of(), "info", "--no-such-flag").exitCode()).isEqualTo(2);
        Result fetch = run(Map.of(), "wal-fetch", "--no-such-flag");
        assertThat(fetch.exitCode()).isEqualTo(128);
        assertThat(fetch.stderr()).contains("hint: see 'lifeboat wal-fetch --help'");
    }

    @Test
    void walFetchsNotFoundIsOneOrTheStatusTheLauncherAskedFor() {
        assertThat(ExitStatus.ofWalFetch(true, Map.of("LIFEBOAT_NOT_FOUND_STATUS", "79"))).isZero();
        assertThat(ExitStatus.ofWalFetch(false, Map.of())).isEqualTo(1);
        assertThat(ExitStatus.ofWalFetch(false, Map.of("LIFEBOAT_NOT_FOUND_STATUS", "79"))).isEqualTo(79);
        assertThat(ExitStatus.ofWalFetch(false, Map.of("LIFEBOAT_NOT_FOUND_STATUS", "x"))).isEqualTo(1);
    }

    /** The first column of the table under README.md's "## Exit codes". */
    private static Set<Integer> readmeExitCodes() throws IOException {
        Path readme = Path.of(System.getProperty("lifeboat.home", "..")).resolve("README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("\n## Exit codes\n");
        assertThat(start).as("README.md has a '## Exit codes' section").isNotNegative();
        int end = text.indexOf("\n## ", start + 1);
        String section = text.substring(start, end < 0 ? text.length() : end);
        Matcher row = Pattern.compile("(?m)^\\|\\s*(\\d+)\\s*\\|").matcher(section);
        List<Integer> codes = row.results().map(m -> Integer.parseInt(m.group(1))).collect(Collectors.toList());
        assertThat(codes).as("README exit codes, each once").doesNotHaveDuplicates().isNotEmpty();
        return new TreeSet<>(codes);
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
