package dev.lifeboat.cli.report;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.report.Report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the page beside its final name, then renames it: a browser or a CI artifact upload
 * sees the old page or the new one, never half of one.
 */
public final class ReportFile {

    private ReportFile() {
    }

    /** Renders the report and writes it to {@code file}, replacing any earlier page there. */
    public static void write(Report report, Path file) {
        write(ReportPage.render(report), file);
    }

    static void write(String html, Path file) {
        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(temp, html, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.DESTINATION, "cannot write the HTML report " + target + ": " + reason(e),
                    "check that the directory exists and is writable", e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover dot-file is harmless; the report's own outcome is what matters
            }
        }
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such directory"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
    }
}
