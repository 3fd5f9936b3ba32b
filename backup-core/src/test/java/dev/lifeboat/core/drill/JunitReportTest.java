package dev.lifeboat.core.drill;

import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.DrillRecord.Check;
import dev.lifeboat.core.repo.DrillRecord.CheckVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JunitReportTest {

    @Test
    void oneTestCasePerCheckWithFailuresAndSkipsCounted(@TempDir Path dir) throws Exception {
        Instant t = Instant.parse("2026-11-26T02:00:00Z");
        DrillRecord drill = new DrillRecord(1, "20261126-020000.000-4f2a", "20261125-130501F", DrillRecord.Verdict.FAILED,
                "orders arrive: returned 0", t, t.plusSeconds(9), "latest (all archived WAL)", 1, "0/5000148", null,
                new DrillRecord.Timings(Duration.ofMillis(20), Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(2), Duration.ofMillis(5020), Duration.ofSeconds(1), Duration.ofSeconds(9)),
                List.of(new Check("restore", Check.BUILT_IN, CheckVerdict.PASSED, "12 files", null, null, Duration.ofSeconds(3)),
                        new Check("amcheck postgres", Check.BUILT_IN, CheckVerdict.SKIPPED, "no pg_amcheck", null, null, Duration.ZERO),
                        new Check("orders arrive", Check.USER, CheckVerdict.FAILED, "returned 0 where count >= 1 was expected",
                                "SELECT count(*) FROM orders WHERE note < '<&>'", "postgres", Duration.ofMillis(12)),
                        new Check("bell\u0007", Check.USER, CheckVerdict.PASSED, "returned t", "SELECT true", "postgres", Duration.ofMillis(1))),
                List.of(new DrillRecord.TableRows("postgres", "public.orders", 0)), "7441", "15.18", "dev", "host1");
        Path file = dir.resolve("reports/drill.xml");

        JunitReport.write(drill, file);

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        Element suites = xml.getDocumentElement();
        assertThat(suites.getTagName()).isEqualTo("testsuites");
        assertThat(suites.getAttribute("tests")).isEqualTo("4");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        assertThat(suites.getAttribute("skipped")).isEqualTo("1");
        Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("drill of backup 20261125-130501F");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(4);
        Element failed = (Element) cases.item(2);
        assertThat(failed.getAttribute("name")).isEqualTo("orders arrive");
        Element failure = (Element) failed.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("returned 0 where count >= 1 was expected");
        assertThat(failure.getTextContent()).contains("SELECT count(*) FROM orders WHERE note < '<&>'");
        assertThat(((Element) cases.item(1)).getElementsByTagName("skipped").getLength()).isEqualTo(1);
        assertThat(((Element) cases.item(3)).getAttribute("name")).isEqualTo("bell");
        assertThat(xml.getElementsByTagName("property").getLength()).isGreaterThan(3);
        assertThat(dir.resolve("reports")).isDirectoryNotContaining("glob:**/.*");
    }
}
