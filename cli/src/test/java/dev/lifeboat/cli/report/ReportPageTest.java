package dev.lifeboat.cli.report;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.report.Report;
import dev.lifeboat.core.report.RepositoryReport;
import dev.lifeboat.core.report.RepositoryReport.ArchiveGap;
import dev.lifeboat.core.report.RepositoryReport.BackupRun;
import dev.lifeboat.core.report.RepositoryReport.DrillRun;
import dev.lifeboat.core.report.RepositoryReport.JobRunPoint;
import dev.lifeboat.core.report.RepositoryReport.JobTrack;
import dev.lifeboat.core.report.RepositoryReport.RecoverableWindow;
import dev.lifeboat.core.report.RepositoryReport.WalArrivals;
import dev.lifeboat.core.report.RepositoryReport.WalHour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The page: self-contained, every plot with its table of the same numbers, and names that cannot inject markup. */
class ReportPageTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @TempDir
    Path temp;

    @Test
    void thePageFetchesNothingRunsNoScriptAndHasATableBesideEachPlot() {
        String html = ReportPage.render(report("main"));

        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("url(").doesNotContain("src=").contains("<style>\n/* The report page's style").contains("svg.chart{");
        Matcher urls = Pattern.compile("https?://[^\"' <]+").matcher(html);
        while (urls.find()) {
            assertThat(urls.group()).as("only the SVG namespace, which is a name, not a fetch").isEqualTo("http://www.w3.org/2000/svg");
        }
        assertThat(count(html, "<svg ")).isEqualTo(5); // window, duration, size, WAL, drills, jobs less the one absent below
        assertThat(html).contains("<table id=\"windows\"").contains("<table id=\"backups-0\"").contains("<table id=\"wal-0\"")
                .contains("<table id=\"drills-0\"");
    }

    @Test
    void theTablesCarryTheExactNumbers() {
        String html = ReportPage.render(report("main"));

        assertThat(html).contains("<tr data-id=\"20261120-140000F\" data-status=\"OK\">")
                .contains("data-bytes=\"3145728\">3.0 MiB</td>").contains("data-bytes=\"1048576\">1.0 MiB</td>")
                .contains("data-seconds=\"40.0\">40.0 s</td>");
        assertThat(html).contains("<tr data-backup=\"20261120-140000F\" data-verdict=\"failed\">")
                .contains("<tr data-backup=\"20261120-140000F\" data-verdict=\"passed\">").contains("data-seconds=\"12.3\">12.3 s");
        assertThat(html).contains("<td>GAP</td><td>missing 000000010000000000000006..000000010000000000000006</td>");
        assertThat(html).contains("3 segments; largest backlog 3 segments at 2026-11-20 14:30:00; largest delay 29.0 min");
    }

    @Test
    void aRepositoryNameCannotInjectMarkup() {
        String hostile = "<img src=x onerror=alert(1)>\"&'";

        String html = ReportPage.render(report(hostile));

        assertThat(html).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;");
    }

    @Test
    void anUnavailableRepositoryIsShownWithItsReasonAndNothingElse() {
        Report report = new Report(T0, "1.0", List.of(RepositoryReport.unavailable("dr", "s3://b/dr", "store unreachable: timed out")));

        String html = ReportPage.render(report);

        assertThat(html).contains("<p class=\"error\">Unavailable: store unreachable: timed out</p>")
                .contains("nothing can be restored").doesNotContain("id=\"backups-0\"");
    }

    @Test
    void theFileIsReplacedWholeAndNoTemporaryIsLeft() throws Exception {
        Path file = temp.resolve("out/report.html");
        ReportFile.write(report("main"), file);
        ReportFile.write(report("second"), file);

        assertThat(Files.readString(file)).contains("Repository second").doesNotContain("Repository main");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }

    @Test
    void aFileThatCannotBeWrittenIsOneClearError() throws Exception {
        Path blocker = Files.writeString(temp.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> ReportFile.write(report("main"), blocker.resolve("report.html")))
                .isInstanceOf(LifeboatException.class).hasMessageStartingWith("cannot write the HTML report ");
    }

    @Test
    void everyElementIsClosedWhetherTheRepositoryIsFullEmptyOrUnavailable() {
        RepositoryReport empty = new RepositoryReport("empty", "/srv/empty", null, List.of(),
                new WalArrivals(T0, List.of(), 0, 0, 0, null, null, 0, null), List.of(), List.of(), List.of(), List.of());
        List<JobTrack> jobs = List.of(new JobTrack("nightly <backup>", "backup", List.of(
                new JobRunPoint(T0, Duration.ofSeconds(30), "succeeded", null),
                new JobRunPoint(T0.plusSeconds(86400), null, "failed", "connection refused"))));
        RepositoryReport withJobs = new RepositoryReport("jobs", "/srv/jobs", null, List.of(),
                new WalArrivals(T0, List.of(), 0, 0, 0, null, null, 0, null), List.of(), List.of(), List.of(), jobs);

        for (Report report : List.of(report("main"), new Report(T0, "1.0", List.of(empty, withJobs,
                RepositoryReport.unavailable("dr", "s3://b/dr", "timed out"))))) {
            assertBalanced(ReportPage.render(report));
        }
    }

    /** Opening and closing tags pair up (void and self-closed elements aside). */
    private static void assertBalanced(String html) {
        java.util.Deque<String> open = new java.util.ArrayDeque<>();
        Matcher tag = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>").matcher(html);
        while (tag.find()) {
            String name = tag.group(2).toLowerCase(java.util.Locale.ROOT);
            if (name.equals("meta") || !tag.group(3).isEmpty()) {
                continue;
            }
            if (tag.group(1).isEmpty()) {
                open.push(name);
            } else {
                assertThat(open).as("closing </" + name + "> at " + tag.start()).isNotEmpty();
                assertThat(open.pop()).as("closing </" + name + "> at " + tag.start()).isEqualTo(name);
            }
        }
        assertThat(open).as("left open").isEmpty();
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static Report report(String name) {
        List<BackupRun> backups = List.of(
                new BackupRun("20261120-140000F", "full", "OK", T0, T0.plusSeconds(40), Duration.ofSeconds(40), 3 << 20, 1 << 20),
                new BackupRun("20261120-150000I", "incr", "OK", T0.plusSeconds(3600), T0.plusSeconds(3612), Duration.ofSeconds(12),
                        3 << 20, 64 << 10));
        WalArrivals wal = new WalArrivals(T0.minus(Duration.ofDays(7)), List.of(
                new WalHour(T0, 3, 3 << 20, Duration.ofMinutes(29), 3)), 3, 3, 0, Duration.ofMinutes(29),
                "000000010000000000000003", 3, T0.plusSeconds(1800));
        List<RecoverableWindow> windows = List.of(
                new RecoverableWindow(1, T0.plusSeconds(40), T0.plusSeconds(1200), "20261120-140000F", "000000010000000000000005",
                        RecoverableWindow.GAP),
                new RecoverableWindow(1, T0.plusSeconds(3612), T0.plusSeconds(7200), "20261120-150000I", "000000010000000000000009",
                        RecoverableWindow.ARCHIVE_END));
        List<ArchiveGap> gaps = List.of(new ArchiveGap(1, "000000010000000000000006", "000000010000000000000006",
                T0.plusSeconds(1300), T0.plusSeconds(3000)));
        List<DrillRun> drills = List.of(
                new DrillRun("20261120-160000.000-aaaa", "20261120-140000F", "failed", T0.plusSeconds(7200), null, "restore: corrupt"),
                new DrillRun("20261120-170000.000-bbbb", "20261120-140000F", "passed", T0.plusSeconds(10800), Duration.ofMillis(12340), null));
        List<JobTrack> jobs = List.of();
        return new Report(T0.plusSeconds(20000), "1.0", List.of(new RepositoryReport(name, "/srv/repo", null, backups, wal, windows, gaps,
                drills, jobs)));
    }
}
