package dev.lifeboat.cli.command;

import dev.lifeboat.cli.option.ThresholdValues;
import dev.lifeboat.core.check.CheckReport;
import dev.lifeboat.core.check.CheckState;
import dev.lifeboat.core.check.MonitorChecks;
import dev.lifeboat.core.check.MonitoredCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Threshold values as written, the Nagios status line, and the Prometheus exposition (pure logic). */
class MonitorOutputTest {

    @TempDir
    Path temp;

    @Test
    void agesCountsSizesAndPercentagesParseIntoTheCheckUnitsAndOffIsNoLimit() {
        assertThat(new ThresholdValues.Age().convert("26h")).isEqualTo(OptionalDouble.of(93600));
        assertThat(new ThresholdValues.Age().convert("1s")).isEqualTo(OptionalDouble.of(1));
        assertThat(new ThresholdValues.Age().convert("PT90M")).isEqualTo(OptionalDouble.of(5400));
        assertThat(new ThresholdValues.Age().convert("off")).isEmpty();
        assertThat(new ThresholdValues.Count().convert("16")).isEqualTo(OptionalDouble.of(16));
        assertThat(new ThresholdValues.Count().convert("OFF")).isEmpty();
        assertThat(new ThresholdValues.Mebibytes().convert("512")).isEqualTo(OptionalDouble.of(512.0 * (1 << 20)));
        assertThat(new ThresholdValues.Mebibytes().convert("2MiB")).isEqualTo(OptionalDouble.of(2.0 * (1 << 20)));
        assertThat(new ThresholdValues.Percent().convert("10%")).isEqualTo(OptionalDouble.of(10));
        assertThat(new ThresholdValues.Percent().convert("2.5")).isEqualTo(OptionalDouble.of(2.5));
    }

    @Test
    void aWrongThresholdSaysWhatToWrite() {
        assertThatThrownBy(() -> new ThresholdValues.Age().convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration").hasMessageContaining("or off");
        assertThatThrownBy(() -> new ThresholdValues.Count().convert("-1")).hasMessage("'-1' is not a whole number of 0 or more (e.g. 16), or off");
        assertThatThrownBy(() -> new ThresholdValues.Count().convert("many")).hasMessageContaining("'many' is not a whole number");
        assertThatThrownBy(() -> new ThresholdValues.Percent().convert("120%")).hasMessageContaining("from 0 to 100");
        assertThatThrownBy(() -> new ThresholdValues.Mebibytes().convert("1GB")).hasMessageContaining("a size in MiB");
    }

    @Test
    void theStatusLineNamesTheWorstProblemsFirstThenCarriesPerfdataInThePluginForm() {
        List<MonitoredCheck> checks = List.of(
                new MonitoredCheck("backup_age", CheckState.WARNING, 100000.0, "s", 93600.0, 180000.0, false, "newest backup b1 ended 27 h ago"),
                new MonitoredCheck("wal_gaps", CheckState.CRITICAL, 2.0, "", null, null, false, "2 WAL segments missing | really"),
                new MonitoredCheck("repository_free_space", CheckState.OK, 42.5, "%", 10.0, 5.0, true, "repository /r is readable"),
                new MonitoredCheck("drill_verdict", CheckState.OK, null, "", null, null, false, "no drill yet"));
        NagiosStatus status = new NagiosStatus(checks);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        status.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(status.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(status.state().exitCode()).isEqualTo(2);
        assertThat(lines.get(0)).isEqualTo("LIFEBOAT CRITICAL - 2 WAL segments missing / really; newest backup b1 ended 27 h ago"
                + " | 'backup_age'=100000s;93600;180000;0; 'wal_gaps'=2;;;0; 'repository_free_space'=42.5%;10:;5:;0;100");
        assertThat(lines.subList(1, lines.size())).containsExactly("WARNING: backup_age: newest backup b1 ended 27 h ago",
                "CRITICAL: wal_gaps: 2 WAL segments missing / really", "OK: repository_free_space: repository /r is readable",
                "OK: drill_verdict: no drill yet");
    }

    @Test
    void allOkSaysHowManyChecksPassed() {
        NagiosStatus status = new NagiosStatus(List.of(new MonitoredCheck("jobs", CheckState.OK, 0.0, "", null, null, false, "fine")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        status.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("LIFEBOAT OK - 1 checks OK | 'jobs'=0;;;0;\n");
        assertThat(status.state().exitCode()).isZero();
    }

    @Test
    void theExpositionParsesStrictlyAndEscapesTheRepositoryLabel() {
        String weird = "s3://bucket/a \"quoted\" \\ name\nnext";
        String text = exposition(weird, report(), MonitorChecks.unreachable(weird, "x").stream()
                .map(c -> new MonitoredCheck("backup_age", CheckState.WARNING, 1.0, "s", 0.0, 2.0, false, "s")).toList());

        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(text);
        assertThat(text).contains("repository=\"s3://bucket/a \\\"quoted\\\" \\\\ name\\nnext\"");
        assertThat(samples).allSatisfy(s -> assertThat(s.labels()).containsEntry("repository", weird));
        assertThat(value(samples, "lifeboat_repository_up")).isEqualTo(1.0);
        assertThat(value(samples, "lifeboat_backup_last_success_timestamp_seconds")).isEqualTo(1_764_763_200.0);
        assertThat(value(samples, "lifeboat_drill_last_rto_seconds")).isEqualTo(12.5);
        assertThat(value(samples, "lifeboat_archive_missing_segments")).isZero();
        assertThat(samples).filteredOn(s -> s.name().equals("lifeboat_check_state"))
                .singleElement().satisfies(s -> {
                    assertThat(s.labels()).containsEntry("check", "backup_age");
                    assertThat(s.value()).isEqualTo(1.0);
                });
        assertThat(text).contains("# TYPE lifeboat_backup_last_success_timestamp_seconds gauge");
    }

    @Test
    void anUnreadableRepositoryIsDownAndMeasuresNothing() {
        List<ExpositionFormat.Sample> samples = ExpositionFormat.parse(exposition("/srv/repo", null,
                MonitorChecks.unreachable("/srv/repo", "gone")));
        assertThat(value(samples, "lifeboat_repository_up")).isZero();
        assertThat(value(samples, "lifeboat_check_overall_state")).isEqualTo(2.0);
        assertThat(samples).noneMatch(s -> s.name().startsWith("lifeboat_backup_"));
    }

    @Test
    void theStrictReaderRefusesWhatTheFormatForbids() {
        assertThatThrownBy(() -> ExpositionFormat.parse("a 1\n")).hasMessageContaining("before its family's TYPE");
        assertThatThrownBy(() -> ExpositionFormat.parse("# TYPE a gauge\n# TYPE a gauge\na 1\n")).hasMessageContaining("a second TYPE");
        assertThatThrownBy(() -> ExpositionFormat.parse("# TYPE a gauge\na{x=\"1\\q\"} 1\n")).hasMessageContaining("bad label syntax");
        assertThatThrownBy(() -> ExpositionFormat.parse("# TYPE a gauge\n# TYPE b gauge\nb 1\na 1\n")).hasMessageContaining("outside");
        assertThatThrownBy(() -> ExpositionFormat.parse("# TYPE a gauge\na 1\na 2\n")).hasMessageContaining("repeated");
        assertThatThrownBy(() -> ExpositionFormat.parse("# TYPE a gauge\na one\n")).hasMessageContaining("not a value");
    }

    @Test
    void theFileIsReplacedWholeAndNoTemporaryFileStays() throws IOException {
        Path file = temp.resolve("lifeboat.prom");
        Files.writeString(file, "old\n");
        new PrometheusExposition("/srv/repo", report(), List.of()).writeFile(file);

        ExpositionFormat.parse(Files.readString(file));
        assertThat(Files.readString(file)).contains("lifeboat_repository_up");
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("lifeboat.prom");
        }
        assertThatThrownBy(() -> new PrometheusExposition("/srv/repo", report(), List.of()).writeFile(temp.resolve("absent/lifeboat.prom")))
                .hasMessageContaining("cannot write " + temp.resolve("absent/lifeboat.prom") + ": its directory does not exist");
    }

    private static String exposition(String repository, CheckReport report, List<MonitoredCheck> checks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new PrometheusExposition(repository, report, checks).write(bytes);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static double value(List<ExpositionFormat.Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no " + name)).value();
    }

    private static CheckReport report() {
        Instant ended = Instant.parse("2025-12-03T12:00:00Z");
        CheckReport.Health h = new CheckReport.Health("b1", ended, ended, "b1", null, List.of(), ended, 12.5);
        return new CheckReport("/srv/repo", List.of(), h, null, List.of(), List.of(), List.of(), List.of());
    }
}
