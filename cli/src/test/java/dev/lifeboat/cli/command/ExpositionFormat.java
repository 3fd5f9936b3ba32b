package dev.lifeboat.cli.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line is a
 * HELP, a TYPE or a sample; HELP and TYPE come at most once per family and before its samples;
 * a family's samples are contiguous; names, label names and escapes are as the format allows;
 * no sample repeats. Anything else fails with the line that broke the rule.
 */
public final class ExpositionFormat {

    /** One sample: its metric name, labels (unescaped) and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{[^}]*\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    private ExpositionFormat() {
    }

    /** The samples of {@code text}; throws AssertionError naming the first line that breaks the format. */
    public static List<Sample> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Set<String> helped = new HashSet<>();
        Map<String, String> typed = new LinkedHashMap<>();
        Set<String> finished = new HashSet<>();
        Set<String> seen = new HashSet<>();
        String current = null;
        List<Sample> samples = new ArrayList<>();
        int number = 0;
        for (String line : text.split("\n", -1)) {
            number++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + number + " '" + line + "': ";
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                family(m.group(1), where, current, finished, typed, true);
                if (!helped.add(m.group(1))) {
                    throw new AssertionError(where + "a second HELP for " + m.group(1));
                }
                current = switchTo(current, m.group(1), finished);
            } else if ((m = TYPE.matcher(line)).matches()) {
                family(m.group(1), where, current, finished, typed, false);
                if (typed.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError(where + "a second TYPE for " + m.group(1));
                }
                current = switchTo(current, m.group(1), finished);
            } else if (line.startsWith("#")) {
                throw new AssertionError(where + "a comment that is neither HELP nor TYPE");
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                String family = familyOf(name, typed);
                if (family == null) {
                    throw new AssertionError(where + "a sample before its family's TYPE");
                }
                if (!family.equals(current)) {
                    throw new AssertionError(where + "a sample of " + family + " outside its family's block");
                }
                Map<String, String> labels = labels(m.group(2), where);
                double value = value(m.group(3), where);
                if (!seen.add(name + labels)) {
                    throw new AssertionError(where + "a repeated sample");
                }
                samples.add(new Sample(name, labels, value));
            } else {
                throw new AssertionError(where + "not a HELP, TYPE or sample line");
            }
        }
        return samples;
    }

    private static void family(String name, String where, String current, Set<String> finished, Map<String, String> typed, boolean help) {
        if (finished.contains(name)) {
            throw new AssertionError(where + name + " was already finished");
        }
        if (name.equals(current) && help && typed.containsKey(name)) {
            throw new AssertionError(where + "HELP after TYPE");
        }
    }

    private static String switchTo(String current, String next, Set<String> finished) {
        if (current != null && !current.equals(next)) {
            finished.add(current);
        }
        return next;
    }

    private static String familyOf(String sample, Map<String, String> typed) {
        if (typed.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum", "_total", "_created")) {
            if (sample.endsWith(suffix) && typed.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return null;
    }

    private static Map<String, String> labels(String block, String where) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (block == null) {
            return labels;
        }
        String inner = block.substring(1, block.length() - 1);
        Matcher m = LABEL.matcher(inner);
        int at = 0;
        while (at < inner.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError(where + "bad label syntax at '" + inner.substring(at) + "'");
            }
            if (labels.put(m.group(1), unescape(m.group(2))) != null) {
                throw new AssertionError(where + "label " + m.group(1) + " twice");
            }
            at = m.end();
        }
        return labels;
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                char next = value.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static double value(String text, String where) {
        switch (text) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new AssertionError(where + "'" + text + "' is not a value");
                }
                return Double.parseDouble(text);
        }
    }
}
