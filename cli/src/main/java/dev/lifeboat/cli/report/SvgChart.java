package dev.lifeboat.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * One plot drawn as inline SVG: a time axis along the bottom, and either a value axis
 * (bars, points, lines, pass/fail marks) or named lanes (spans and marks) up the side. Every
 * mark carries a {@code <title>} so that hovering tells its exact value without a script.
 * Styling is left to CSS classes of the page.
 */
final class SvgChart {

    static final int WIDTH = 560;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 12;
    private static final int BOTTOM = 34;
    private static final int LANE = 28;

    private final String label;
    private final int height;
    private final TimeScale x;
    private final LinearScale y;
    private final List<String> lanes;
    private final StringBuilder marks = new StringBuilder();

    private SvgChart(String label, int height, TimeScale x, LinearScale y, List<String> lanes) {
        this.label = label;
        this.height = height;
        this.x = x;
        this.y = y;
        this.lanes = lanes;
    }

    /** A plot of values over time; {@code largest} sets the top of the value axis. */
    static SvgChart values(String label, List<Instant> times, double largest) {
        int height = 220;
        return new SvgChart(label, height, TimeScale.covering(times, LEFT, WIDTH - RIGHT),
                LinearScale.fromZero(largest, height - BOTTOM, TOP), List.of());
    }

    /** A plot with one horizontal lane per name (a timeline per repository, a row per job). */
    static SvgChart lanes(String label, List<Instant> times, List<String> lanes) {
        int height = TOP + BOTTOM + LANE * Math.max(1, lanes.size());
        return new SvgChart(label, height, TimeScale.covering(times, LEFT + 80, WIDTH - RIGHT), null, lanes);
    }

    int height() {
        return height;
    }

    /** A bar from zero to {@code value}, centred on {@code at}: 80% of {@code width}, but between 4 and 48 pixels. */
    SvgChart bar(Instant at, double value, Duration width, String cssClass, String title) {
        double w = Math.min(48, Math.max(4, width == null ? 8 : x.width(width) * 0.8));
        double top = y.map(value);
        element("rect", cssClass, title, "x", x.map(at) - w / 2, "y", top, "width", w, "height", Math.max(0, y.map(0) - top));
        return this;
    }

    SvgChart point(Instant at, double value, String cssClass, String title) {
        element("circle", cssClass, title, "cx", x.map(at), "cy", y.map(value), "r", 4);
        return this;
    }

    /** A line through the points, in order (null values break it into pieces). */
    SvgChart line(List<Instant> at, List<Double> values, String cssClass) {
        StringBuilder path = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < at.size(); i++) {
            if (at.get(i) == null || values.get(i) == null) {
                pen = false;
                continue;
            }
            path.append(pen ? " L" : " M").append(n(x.map(at.get(i)))).append(',').append(n(y.map(values.get(i))));
            pen = true;
        }
        if (!path.isEmpty()) {
            marks.append("<path class=\"").append(Markup.escape(cssClass)).append("\" d=\"").append(path.toString().strip())
                    .append("\"/>\n");
        }
        return this;
    }

    /** A verdict: a filled circle when it passed, a cross when it failed (shape, not colour alone, tells them apart). */
    SvgChart verdict(Instant at, double value, boolean passed, String title) {
        double cx = x.map(at);
        double cy = y.map(value);
        if (passed) {
            element("circle", "pass", title, "cx", cx, "cy", cy, "r", 6);
        } else {
            marks.append("<path class=\"fail\" d=\"M").append(n(cx - 6)).append(',').append(n(cy - 6)).append(" L").append(n(cx + 6))
                    .append(',').append(n(cy + 6)).append(" M").append(n(cx - 6)).append(',').append(n(cy + 6)).append(" L")
                    .append(n(cx + 6)).append(',').append(n(cy - 6)).append("\"><title>").append(Markup.escape(title))
                    .append("</title></path>\n");
        }
        return this;
    }

    /** A stretch of time in a lane. */
    SvgChart span(int lane, Instant from, Instant to, String cssClass, String title) {
        double left = x.map(from);
        double w = Math.max(3, x.map(to) - left);
        element("rect", cssClass, title, "x", left, "y", laneTop(lane) + 5, "width", w, "height", LANE - 10);
        return this;
    }

    /** A mark at one instant in a lane: a point for a run, a verdict shape for a pass or failure. */
    SvgChart laneMark(int lane, Instant at, String cssClass, String title) {
        double cx = x.map(at);
        double cy = laneTop(lane) + LANE / 2.0;
        if ("failed".equals(cssClass) || "gap".equals(cssClass) || "abandoned".equals(cssClass)) {
            marks.append("<path class=\"").append(Markup.escape(cssClass)).append("\" d=\"M").append(n(cx - 5)).append(',')
                    .append(n(cy - 5)).append(" L").append(n(cx + 5)).append(',').append(n(cy + 5)).append(" M").append(n(cx - 5))
                    .append(',').append(n(cy + 5)).append(" L").append(n(cx + 5)).append(',').append(n(cy - 5))
                    .append("\"><title>").append(Markup.escape(title)).append("</title></path>\n");
        } else {
            element("circle", cssClass, title, "cx", cx, "cy", cy, "r", 5);
        }
        return this;
    }

    private double laneTop(int lane) {
        return TOP + lane * LANE;
    }

    /** The whole {@code <svg>} element, with axes, ticks and grid drawn under the marks. */
    String render(DoubleFunction<String> valueLabel) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height).append("\" aria-label=\"")
                .append(Markup.escape(label)).append("\">\n<title>").append(Markup.escape(label)).append("</title>\n");
        double bottom = height - BOTTOM;
        boolean first = true;
        for (Instant tick : x.ticks()) {
            double tx = x.map(tick);
            svg.append("<line class=\"grid\" x1=\"").append(n(tx)).append("\" y1=\"").append(TOP).append("\" x2=\"").append(n(tx))
                    .append("\" y2=\"").append(n(bottom)).append("\"/>\n");
            // A label centred on a tick near the right edge would be cut off: end it at the tick instead.
            String anchor = tx > WIDTH - RIGHT - 25 ? "end" : "middle";
            svg.append("<text class=\"tick\" x=\"").append(n(tx)).append("\" y=\"").append(n(bottom + 16))
                    .append("\" text-anchor=\"").append(anchor).append("\">").append(Markup.escape(x.label(tick, first))).append("</text>\n");
            first = false;
        }
        if (y != null) {
            for (double v : y.ticks()) {
                double ty = y.map(v);
                svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(n(ty)).append("\" x2=\"")
                        .append(WIDTH - RIGHT).append("\" y2=\"").append(n(ty)).append("\"/>\n");
                svg.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(n(ty + 4))
                        .append("\" text-anchor=\"end\">").append(Markup.escape(valueLabel.apply(v))).append("</text>\n");
            }
            svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                    .append("\" y2=\"").append(n(bottom)).append("\"/>\n");
        } else {
            for (int i = 0; i < lanes.size(); i++) {
                svg.append("<text class=\"lane\" x=\"").append(LEFT + 74).append("\" y=\"").append(n(laneTop(i) + LANE / 2.0 + 4))
                        .append("\" text-anchor=\"end\">").append(Markup.escape(shorten(lanes.get(i)))).append("<title>")
                        .append(Markup.escape(lanes.get(i))).append("</title></text>\n");
            }
        }
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(n(bottom)).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y2=\"").append(n(bottom)).append("\"/>\n");
        svg.append(marks);
        return svg.append("</svg>").toString();
    }

    /** Lane names longer than the margin are cut; the full name stays in the label's title. */
    private static String shorten(String name) {
        return name.length() <= 20 ? name : name.substring(0, 19) + "…";
    }

    private void element(String tag, String cssClass, String title, Object... attributes) {
        marks.append('<').append(tag).append(" class=\"").append(Markup.escape(cssClass)).append('"');
        for (int i = 0; i < attributes.length; i += 2) {
            Object v = attributes[i + 1];
            marks.append(' ').append(attributes[i]).append("=\"").append(v instanceof Double d ? n(d) : v).append('"');
        }
        marks.append("><title>").append(Markup.escape(title)).append("</title></").append(tag).append(">\n");
    }

    /** Pixels with one decimal, always with a dot. */
    private static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
