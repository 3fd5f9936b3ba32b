package dev.lifeboat.core.pg;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server log file, read for the lines that explain a failed start: the FATAL and PANIC lines
 * (with the DETAIL and HINT lines that follow them) written since a given offset.
 *
 * @param file the log file that pg_ctl -l writes
 */
record ServerLog(Path file) {

    /** What clients are told while the server starts or stops: not a cause, only noise. */
    private static final List<String> CONNECTION_NOISE = List.of(
            "the database system is starting up",
            "the database system is not yet accepting connections",
            "the database system is not accepting connections",
            "the database system is shutting down",
            "the database system is in recovery mode",
            "terminating connection due to administrator command");

    /** What the configuration parser logs, at LOG level, before it gives up. */
    private static final Pattern SETTING_COMPLAINT = Pattern.compile(
            "invalid value for parameter|unrecognized configuration parameter|syntax error in file"
                    + "|parameter \"[^\"]+\" (?:requires|cannot)|could not open configuration file");

    /** PostgreSQL's FATAL when restore_command exits above 125 (see RestoreArchivedFile in xlogarchive.c). */
    private static final Pattern RESTORE_FAILED = Pattern.compile("could not restore file \"([^\"]+)\" from archive");

    /**
     * How Lifeboat's wal-fetch reports a failure on its stderr, which restore_command passes to
     * the server's stderr, this log (unless a logging collector takes it elsewhere).
     */
    private static final String LIFEBOAT_ERROR = "lifeboat: error: ";

    /** The current length, to read only what a start writes after it. */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The lines written since {@code offset}. */
    List<String> linesSince(long offset) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long start = offset <= in.length() ? offset : 0; // Truncated or replaced: read it all.
            byte[] bytes = new byte[(int) Math.min(in.length() - start, 4L << 20)];
            in.seek(Math.max(start, in.length() - bytes.length));
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The last match of {@code pattern}'s first group in the lines since {@code offset}, e.g.
     * the LSN of "redo done at 0/3000148".
     */
    Optional<String> lastMatchSince(long offset, Pattern pattern) {
        String found = null;
        for (String line : linesSince(offset)) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                found = m.group(1);
            }
        }
        return Optional.ofNullable(found);
    }

    /** The FATAL and PANIC lines since {@code offset}, each with its DETAIL and HINT lines. */
    List<String> problemsSince(long offset) {
        return select(linesSince(offset), false);
    }

    /**
     * One line saying why the server stopped: the problems since {@code offset} (with the
     * LOG lines that name a bad setting, which precede "configuration file contains errors"),
     * shortened to the text from the severity on; else the last few lines.
     */
    String explainSince(long offset) {
        List<String> lines = linesSince(offset);
        List<String> explanation = select(lines, true);
        if (explanation.isEmpty()) {
            explanation = lines.subList(Math.max(0, lines.size() - 3), lines.size()).stream()
                    .map(ServerLog::fromSeverity).toList();
        }
        return explanation.isEmpty() ? "(the server log is empty)" : String.join(" / ", explanation);
    }

    /**
     * When recovery stopped because restore_command failed, since {@code offset}: the WAL file
     * it could not deliver and, when Lifeboat's wal-fetch said why before it (the last such line
     * before PostgreSQL's FATAL), that reason, e.g. "recovery stopped: restore_command could not
     * deliver WAL file 00000001000000000000000A: corrupt object wal/...: ...".
     */
    Optional<String> restoreCommandFailureSince(long offset) {
        List<String> lines = linesSince(offset);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String message = fromSeverity(lines.get(i));
            Matcher failed = RESTORE_FAILED.matcher(message);
            if (!message.startsWith("FATAL:") || !failed.find()) {
                continue;
            }
            String reason = null;
            for (int j = i - 1; j >= 0 && reason == null; j--) {
                int at = lines.get(j).indexOf(LIFEBOAT_ERROR);
                if (at >= 0) {
                    reason = lines.get(j).substring(at + LIFEBOAT_ERROR.length()).strip();
                } else if (fromSeverity(lines.get(j)).startsWith("FATAL:")) {
                    break; // an earlier failure's
                }
            }
            String detail = reason != null ? reason : message.substring("FATAL:".length()).strip();
            return Optional.of("recovery stopped: restore_command could not deliver WAL file " + failed.group(1) + ": " + detail);
        }
        return Optional.empty();
    }

    private static List<String> select(List<String> lines, boolean withSettingComplaints) {
        List<String> selected = new ArrayList<>();
        boolean inProblem = false;
        for (String line : lines) {
            String message = fromSeverity(line);
            if ((message.startsWith("FATAL:") || message.startsWith("PANIC:"))
                    && CONNECTION_NOISE.stream().noneMatch(message::contains)) {
                selected.add(message);
                inProblem = true;
            } else if (inProblem && (message.startsWith("DETAIL:") || message.startsWith("HINT:"))) {
                selected.add(message);
            } else if (withSettingComplaints && message.startsWith("LOG:")
                    && SETTING_COMPLAINT.matcher(message).find()) {
                selected.add(message);
                inProblem = true;
            } else {
                inProblem = false;
            }
        }
        return selected;
    }

    /** "2026-11-20 14:03:00.123 UTC [42] FATAL:  text" -> "FATAL: text". */
    private static String fromSeverity(String line) {
        int first = -1;
        String found = null;
        for (String severity : List.of("PANIC:", "FATAL:", "ERROR:", "WARNING:", "LOG:", "DETAIL:", "HINT:")) {
            int at = line.indexOf(severity);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
                found = severity;
            }
        }
        return found == null ? line.strip() : found + " " + line.substring(first + found.length()).strip();
    }
}
