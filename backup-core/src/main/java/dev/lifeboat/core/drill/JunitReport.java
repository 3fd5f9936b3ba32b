package dev.lifeboat.core.drill;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.DrillRecord;
import dev.lifeboat.core.repo.DrillRecord.Check;
import dev.lifeboat.core.repo.DrillRecord.CheckVerdict;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A drill as a JUnit XML report, the format CI systems (Jenkins, GitLab, GitHub Actions
 * reporters) show natively: one test suite per drill, one test case per check; a failed check
 * is a {@code <failure>}, a skipped one {@code <skipped>}. The row counts go to the suite's
 * {@code <system-out>}.
 */
public final class JunitReport {

    private JunitReport() {
    }

    /** Writes the report to {@code file} (through a temporary file and a rename). */
    public static void write(DrillRecord drill, Path file) {
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            try (OutputStream out = Files.newOutputStream(temp)) {
                write(drill, out);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | XMLStreamException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write the JUnit report " + target + ": " + e.getMessage(),
                    "check that the directory exists and is writable", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temporary name is never read
            }
        }
    }

    static void write(DrillRecord drill, OutputStream out) throws XMLStreamException {
        long failures = drill.checks().stream().filter(c -> c.verdict() == CheckVerdict.FAILED).count();
        long skipped = drill.checks().stream().filter(c -> c.verdict() == CheckVerdict.SKIPPED).count();
        String suite = "drill of backup " + drill.backupId();
        String time = seconds(drill.timings() == null ? null : drill.timings().total());

        XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        xml.writeStartElement("testsuites");
        xml.writeAttribute("name", "lifeboat drill");
        xml.writeAttribute("tests", Integer.toString(drill.checks().size()));
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(skipped));
        xml.writeAttribute("time", time);
        xml.writeCharacters("\n  ");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", suite);
        xml.writeAttribute("tests", Integer.toString(drill.checks().size()));
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(skipped));
        xml.writeAttribute("time", time);
        if (drill.startedAt() != null) {
            xml.writeAttribute("timestamp", drill.startedAt().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", ""));
        }
        if (drill.host() != null) {
            xml.writeAttribute("hostname", drill.host());
        }
        writeProperties(xml, drill);
        for (Check check : drill.checks()) {
            xml.writeCharacters("\n    ");
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", "lifeboat.drill." + (Check.USER.equals(check.kind()) ? "checks" : "builtin"));
            xml.writeAttribute("name", clean(check.name()));
            xml.writeAttribute("time", seconds(check.duration()));
            String body = (check.statement() == null ? "" : "statement: " + check.statement() + "\n")
                    + (check.database() == null ? "" : "database: " + check.database() + "\n")
                    + "result: " + check.detail();
            if (check.verdict() == CheckVerdict.FAILED) {
                xml.writeStartElement("failure");
                xml.writeAttribute("message", clean(check.detail()));
                xml.writeAttribute("type", "CheckFailed");
                xml.writeCharacters(clean(body));
                xml.writeEndElement();
            } else if (check.verdict() == CheckVerdict.SKIPPED) {
                xml.writeStartElement("skipped");
                xml.writeAttribute("message", clean(check.detail()));
                xml.writeEndElement();
            } else {
                xml.writeStartElement("system-out");
                xml.writeCharacters(clean(body));
                xml.writeEndElement();
            }
            xml.writeEndElement();
        }
        xml.writeCharacters("\n    ");
        xml.writeStartElement("system-out");
        StringBuilder rows = new StringBuilder();
        for (DrillRecord.TableRows t : drill.tables()) {
            rows.append(t.database()).append('.').append(t.table()).append(' ').append(t.rows()).append('\n');
        }
        xml.writeCharacters(clean(rows.toString()));
        xml.writeEndElement();
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndDocument();
        xml.close();
    }

    private static void writeProperties(XMLStreamWriter xml, DrillRecord drill) throws XMLStreamException {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("drill", drill.id());
        properties.put("backup", drill.backupId());
        properties.put("verdict", drill.verdict().jsonName());
        properties.put("target", drill.target());
        properties.put("replayedTo", drill.replayedTo());
        if (drill.timings() != null) {
            properties.put("rtoSeconds", drill.timings().rto() == null ? null : seconds(drill.timings().rto()));
        }
        properties.put("postgresql", drill.pgVersion());
        properties.put("lifeboat", drill.lifeboatVersion());
        xml.writeCharacters("\n    ");
        xml.writeStartElement("properties");
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getValue() == null) {
                continue;
            }
            xml.writeCharacters("\n      ");
            xml.writeEmptyElement("property");
            xml.writeAttribute("name", p.getKey());
            xml.writeAttribute("value", clean(p.getValue()));
        }
        xml.writeCharacters("\n    ");
        xml.writeEndElement();
    }

    /** Drops the control characters XML 1.0 cannot hold (a server message may carry one). */
    private static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().filter(c -> c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF))
                .forEach(sb::appendCodePoint);
        return sb.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d == null ? 0.0 : d.toNanos() / 1e9);
    }
}
