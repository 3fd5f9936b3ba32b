package dev.lifeboat.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.json.Json;
import dev.lifeboat.core.testing.ClusterSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The operator's report story: after backups, archived WAL, a passing and a failing drill and
 * an expire run, `lifeboat report --html` writes one page that Chromium renders without an
 * error, whose numbers are the ones `info --output json` gives; a failing drill in CI writes
 * the page beside its JUnit report.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HtmlReportIT {

    private static final Path ARTIFACTS = Path.of("target", "html-report");

    private static ArchivingCluster source;
    private static String full;
    private static String incr;

    @BeforeAll
    static void backupsWalAPassingDrillAndAnExpireRun() {
        source = ArchivingCluster.start();
        ClusterSql.execute(source.cluster(), "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric)");
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(1, 20000) g");
        full = id(source.backup());
        ClusterSql.execute(source.cluster(), "INSERT INTO orders SELECT g, g * 1.5 FROM generate_series(20001, 30000) g");
        source.switchAndWaitForArchive();
        incr = id(source.lifeboat("backup", "--repo", source.repository().toString(), "--pgdata", source.dataDirectory().toString(),
                "--pg-port", Integer.toString(source.port()), "--type", "incr"));
        source.switchAndWaitForArchive();
        Lifeboat.Run drill = drill("--backup", full, "--target", "immediate");
        assertThat(drill.exitCode()).as(drill.toString()).isZero();
        Lifeboat.Run expire = Lifeboat.run("expire", "--repo", source.repository().toString(), "--keep-full", "5");
        assertThat(expire.exitCode()).as(expire.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    @Order(1)
    void aFailingDrillWritesThePageBesideItsJunitReport() throws IOException {
        Path checks = Files.writeString(Files.createDirectories(source.newDirectory("checks")).resolve("checks.sql"), """
                -- name: a million orders
                -- expect: count >= 1000000
                SELECT count(*) FROM orders;
                """);
        Path reports = source.newDirectory("ci-reports");

        Lifeboat.Run drill = drill("--backup", incr, "--target", "immediate", "--checks", checks.toString(),
                "--junit", reports.resolve("drill.xml").toString(), "--report-html", reports.resolve("report.html").toString());

        BadInputIT.assertFailure(drill, 13, "drill of backup " + incr + " failed: a million orders", "not known-good");
        assertThat(drill.stdout()).contains("JUnit report: " + reports.resolve("drill.xml"))
                .contains("HTML report: " + reports.resolve("report.html"));
        assertThat(reports.resolve("drill.xml")).exists();
        String page = Files.readString(reports.resolve("report.html"));
        assertThat(page).contains("<tr data-backup=\"" + incr + "\" data-verdict=\"failed\">")
                .contains("<tr data-backup=\"" + full + "\" data-verdict=\"passed\">");
        try (var left = Files.list(reports)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("drill.xml", "report.html");
        }
    }

    @Test
    @Order(2)
    void thePageRendersInChromiumWithoutErrorsAndShowsWhatInfoShows() throws Exception {
        Path html = Files.createDirectories(ARTIFACTS).toAbsolutePath().resolve("report.html");
        Lifeboat.Run report = Lifeboat.run("report", "--repo", source.repository().toString(), "--html", html.toString());
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.stdout()).contains("HTML report: " + html);
        JsonNode info = infoJson();

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open(html);
            JsonNode backups = table(chromium, "#backups-0 tbody tr",
                    "{id: r.dataset.id, status: r.dataset.status, bytes: r.cells[5].dataset.bytes, stored: r.cells[6].dataset.bytes}");
            JsonNode drills = table(chromium, "#drills-0 tbody tr",
                    "{backup: r.dataset.backup, verdict: r.dataset.verdict, rto: r.cells[3].dataset.seconds}");
            JsonNode walHours = table(chromium, "#wal-0 tbody tr", "{segments: r.cells[1].textContent}");
            JsonNode jobs = table(chromium, "#jobs-0 tbody tr", "{job: r.dataset.job, runs: r.cells[2].textContent}");
            JsonNode windows = table(chromium, "#windows tbody tr", "{endsAt: r.cells[4].textContent}");
            int plots = chromium.evaluate("Array.from(document.querySelectorAll('svg.chart'))"
                    + ".filter(s => s.getBoundingClientRect().width > 300 && s.getBoundingClientRect().height > 60).length").asInt();
            byte[] png = chromium.screenshot(1280);
            Files.write(ARTIFACTS.resolve("report.png"), png);

            assertThat(chromium.problems()).as("console errors and exceptions").isEmpty();
            assertThat(plots).as("window, duration, size, WAL, drills and job plots drawn").isEqualTo(6);
            assertPng(png, 1280, 800);

            assertThat(backups).hasSize(info.get("backups").size());
            Map<String, JsonNode> byId = new HashMap<>();
            backups.forEach(b -> byId.put(b.get("id").asText(), b));
            assertThat(byId.keySet()).containsExactlyInAnyOrder(full, incr);
            for (JsonNode expected : info.get("backups")) {
                JsonNode shown = byId.get(expected.get("id").asText());
                assertThat(shown.get("status").asText()).isEqualTo(expected.get("status").asText());
                assertThat(shown.get("bytes").asLong()).isEqualTo(expected.get("bytes").asLong());
                assertThat(shown.get("stored").asLong()).isEqualTo(expected.get("storedBytes").asLong());
                // the newest drill of each backup is info's verdict
                JsonNode newest = null;
                for (JsonNode d : drills) {
                    if (d.get("backup").asText().equals(expected.get("id").asText())) {
                        newest = d;
                    }
                }
                assertThat(newest).as("drill of " + expected.get("id")).isNotNull();
                assertThat(newest.get("verdict").asText()).isEqualTo(expected.get("drill").get("verdict").asText());
                if (expected.get("drill").hasNonNull("rto")) {
                    assertThat(newest.get("rto").asDouble()).isCloseTo(expected.get("drill").get("rto").asDouble(), within(0.051));
                }
            }
            List<String> verdicts = new ArrayList<>();
            drills.forEach(d -> verdicts.add(d.get("verdict").asText()));
            assertThat(verdicts).containsExactly("passed", "failed");

            long segmentsShown = 0;
            for (JsonNode hour : walHours) {
                segmentsShown += hour.get("segments").asLong();
            }
            long segmentsArchived = 0;
            for (JsonNode timeline : info.get("wal")) {
                segmentsArchived += timeline.get("segments").asLong();
            }
            assertThat(segmentsShown).isEqualTo(segmentsArchived).isPositive();

            assertThat(jobs).singleElement().satisfies(j -> {
                assertThat(j.get("job").asText()).isEqualTo("expire");
                assertThat(j.get("runs").asInt()).isEqualTo(info.get("jobs").get(0).get("runsRecorded").asInt());
            });
            assertThat(windows).singleElement().satisfies(w -> assertThat(w.get("endsAt").asText()).isEqualTo("archive end"));
        }
    }

    @Test
    @Order(3)
    void jsonGivesTheSameNumbersAndTheCommandAsksForAPlaceToWrite() throws IOException {
        Lifeboat.Run json = Lifeboat.run("report", "--repo", source.repository().toString(), "--output", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode repository = Json.mapper().readTree(json.stdout()).get("repositories").get(0);
        assertThat(repository.get("backups")).hasSize(2);
        assertThat(repository.get("drills")).hasSize(2);
        assertThat(repository.get("windows")).hasSize(1);

        Lifeboat.Run nowhere = Lifeboat.run("report", "--repo", source.repository().toString());
        BadInputIT.assertFailure(nowhere, 2, "report needs --html FILE (or --output json)", "lifeboat report --html");
    }

    private static JsonNode table(HeadlessChromium chromium, String rows, String row) throws IOException {
        String text = chromium.evaluate("JSON.stringify(Array.from(document.querySelectorAll('" + rows + "')).map(r => (" + row + ")))")
                .asText();
        return Json.mapper().readTree(text);
    }

    private static JsonNode infoJson() throws IOException {
        Lifeboat.Run info = Lifeboat.run("info", "--repo", source.repository().toString(), "--output", "json");
        assertThat(info.exitCode()).as(info.toString()).isZero();
        return Json.mapper().readTree(info.stdout());
    }

    /** A real PNG of the page: the signature, the width asked for, a page taller than one screen, and more than a blank image's bytes. */
    private static void assertPng(byte[] png, int width, int minHeight) throws IOException {
        assertThat(png.length).isGreaterThan(30_000);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(png))) {
            assertThat(in.readLong()).as("PNG signature").isEqualTo(0x89504E470D0A1A0AL);
            in.readInt(); // IHDR length
            assertThat(in.readInt()).as("IHDR").isEqualTo(0x49484452);
            assertThat(in.readInt()).isEqualTo(width);
            assertThat(in.readInt()).isGreaterThan(minHeight);
        }
    }

    private static Lifeboat.Run drill(String... args) {
        List<String> all = new ArrayList<>(List.of("drill", "--repo", source.repository().toString(), "--start-timeout", "120"));
        all.addAll(List.of(args));
        return Lifeboat.run(all.toArray(String[]::new));
    }

    private static String id(Lifeboat.Run backup) {
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        return backup.stdout().strip();
    }
}
