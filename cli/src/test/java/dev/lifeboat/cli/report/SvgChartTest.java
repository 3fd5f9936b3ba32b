package dev.lifeboat.cli.report;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The plotting helper: scales, ticks, empty and one-point plots, and names that must not break the markup. */
class SvgChartTest {

    private static final Instant T0 = Instant.parse("2026-11-20T14:00:00Z");

    @Test
    void aValueScaleStartsAtZeroAndEndsOnARoundTickAboveTheLargestValue() {
        LinearScale scale = LinearScale.fromZero(37, 200, 0);

        assertThat(scale.max()).isEqualTo(40);
        assertThat(scale.ticks()).containsExactly(0.0, 10.0, 20.0, 30.0, 40.0);
        assertThat(scale.map(0)).isEqualTo(200);
        assertThat(scale.map(40)).isEqualTo(0);
        assertThat(scale.map(20)).isEqualTo(100);
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(LinearScale.niceStep(0.3)).isCloseTo(0.5, within(1e-12));
        assertThat(LinearScale.niceStep(1.7)).isEqualTo(2);
        assertThat(LinearScale.niceStep(2)).isEqualTo(2);
        assertThat(LinearScale.niceStep(7)).isEqualTo(10);
        assertThat(LinearScale.niceStep(1234)).isEqualTo(2000);
    }

    @Test
    void aScaleOfNothingOrOfZeroStillHasTicks() {
        LinearScale zero = LinearScale.fromZero(0, 100, 0);
        assertThat(zero.max()).isEqualTo(1);
        assertThat(zero.ticks()).hasSizeGreaterThan(1);
        assertThat(LinearScale.fromZero(Double.NaN, 100, 0).max()).isEqualTo(1);
    }

    @Test
    void aTimeScaleTicksOnRoundHoursForADayAndOnDaysForAMonth() {
        TimeScale day = new TimeScale(T0.plusSeconds(600), T0.plus(Duration.ofHours(24)), 0, 600);
        List<Instant> hourly = day.ticks();
        assertThat(hourly).allSatisfy(t -> assertThat(t.getEpochSecond() % (3 * 3600)).isZero());
        assertThat(hourly.size()).isBetween(4, 9);
        assertThat(day.label(hourly.get(0), true)).isEqualTo("11-20 15:00");
        assertThat(day.label(hourly.get(1), false)).isEqualTo("18:00");

        TimeScale month = new TimeScale(T0, T0.plus(Duration.ofDays(30)), 0, 600);
        assertThat(month.ticks()).allSatisfy(t -> assertThat(t.getEpochSecond() % 86400).isZero());
        assertThat(month.label(month.ticks().get(0), true)).matches("\\d\\d-\\d\\d");
        assertThat(month.map(T0)).isEqualTo(0);
        assertThat(month.map(T0.plus(Duration.ofDays(15)))).isCloseTo(300, within(1e-9));
    }

    @Test
    void oneInstantIsWidenedToTwoMinutesAndLandsInTheMiddle() {
        TimeScale one = TimeScale.covering(List.of(T0), 0, 600);
        assertThat(one.map(T0)).isCloseTo(300, within(1e-9));
        assertThat(one.map(T0.plusSeconds(60))).isCloseTo(600, within(1e-9));
        assertThat(one.ticks()).hasSizeBetween(4, 9);
        assertThat(one.label(one.ticks().get(1), false)).matches("\\d\\d:\\d\\d:\\d\\d");
    }

    @Test
    void anEmptyPlotIsStillAWellFormedSvgWithAxes() throws Exception {
        String svg = SvgChart.values("nothing yet", List.of(), 0).render(Quantities::number);

        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("line").getLength()).isGreaterThanOrEqualTo(2);
        assertThat(doc.getElementsByTagName("rect").getLength()).isZero();
    }

    @Test
    void onePointPlotsInsideTheDrawingArea() throws Exception {
        String svg = SvgChart.values("one backup", List.of(T0), 12.5).point(T0, 12.5, "duration", "b1: 12.5 s")
                .render(v -> Quantities.number(v) + " s");

        NodeList circles = parse(svg).getElementsByTagName("circle");
        assertThat(circles.getLength()).isEqualTo(1);
        double cx = Double.parseDouble(circles.item(0).getAttributes().getNamedItem("cx").getNodeValue());
        double cy = Double.parseDouble(circles.item(0).getAttributes().getNamedItem("cy").getNodeValue());
        assertThat(cx).isBetween(70.0, SvgChart.WIDTH - 20.0);
        assertThat(cy).isBetween(12.0, 220.0 - 34.0);
        assertThat(svg).contains("<title>b1: 12.5 s</title>").contains(">15 s<");
    }

    @Test
    void passAndFailAreDifferentShapesNotOnlyDifferentColours() throws Exception {
        String svg = SvgChart.values("drills", List.of(T0, T0.plusSeconds(60)), 10)
                .verdict(T0, 4, true, "passed").verdict(T0.plusSeconds(60), 0, false, "failed").render(Quantities::number);

        Document doc = parse(svg);
        assertThat(doc.getElementsByTagName("circle").item(0).getAttributes().getNamedItem("class").getNodeValue()).isEqualTo("pass");
        assertThat(doc.getElementsByTagName("path").item(0).getAttributes().getNamedItem("class").getNodeValue()).isEqualTo("fail");
    }

    @Test
    void namesInLabelsAndTitlesAreEscaped() throws Exception {
        String hostile = "prod <eu> & \"main\" 'x'</title><script>alert(1)</script>";
        SvgChart chart = SvgChart.lanes(hostile, List.of(T0, T0.plusSeconds(3600)), List.of(hostile));
        chart.span(0, T0, T0.plusSeconds(3600), "window", hostile).laneMark(0, T0, "failed", hostile);

        String svg = chart.render(v -> "");

        assertThat(svg).doesNotContain("<script>").doesNotContain("<eu>");
        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getAttribute("aria-label")).isEqualTo(hostile);
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(hostile);
        assertThat(doc.getElementsByTagName("script").getLength()).isZero();
    }

    @Test
    void aLineBreaksWhereAValueIsMissing() {
        List<Instant> at = List.of(T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180));
        List<Double> values = new ArrayList<>(List.of(1.0, 2.0, 3.0, 4.0));
        values.set(2, null);

        String svg = SvgChart.values("line", at, 4).line(at, values, "trend").render(Quantities::number);

        String d = svg.substring(svg.indexOf("class=\"trend\" d=\"") + 17);
        d = d.substring(0, d.indexOf('"'));
        assertThat(d.split("M")).hasSize(3); // two pieces: before and after the missing value
        assertThat(d).containsOnlyOnce("L");
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
