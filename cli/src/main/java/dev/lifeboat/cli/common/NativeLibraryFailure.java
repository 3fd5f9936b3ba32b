package dev.lifeboat.cli.common;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * zstd-jni unpacks its native library into {@code java.io.tmpdir} and loads it from there the
 * first time Lifeboat compresses or decompresses. When that directory is missing, not writable,
 * full or mounted noexec, the JVM throws errors (ExceptionInInitializerError,
 * UnsatisfiedLinkError, then NoClassDefFoundError) that say none of this. This says it in one
 * line, with what to do.
 */
final class NativeLibraryFailure {

    static final String HINT = "zstd-jni unpacks its library into java.io.tmpdir: set LIFEBOAT_JAVA_OPTS=-Djava.io.tmpdir=DIR"
            + " to a writable directory that is not mounted noexec (for archive_command and restore_command,"
            + " in PostgreSQL's environment)";

    private NativeLibraryFailure() {
    }

    /** The one-line failure when {@code failure} (or a cause of it) is zstd-jni failing to load. */
    static Optional<LifeboatException> recognise(Throwable failure) {
        return recognise(failure, System.getProperty("java.io.tmpdir"));
    }

    /** {@link #recognise(Throwable)} with zstd-jni unpacking into {@code tmpdir}. */
    static Optional<LifeboatException> recognise(Throwable failure, String tmpdir) {
        Throwable zstd = null;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 20; depth++, t = t.getCause()) {
            if (t instanceof LinkageError && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("zstd")) {
                zstd = t; // the deepest one says why: "Cannot unpack ...: No space left on device"
            }
        }
        if (zstd == null) {
            return Optional.empty();
        }
        return Optional.of(new LifeboatException(ErrorCode.INTERNAL,
                "cannot load the zstd native library: " + reason(zstd.getMessage(), tmpdir), HINT, failure));
    }

    private static String reason(String message, String tmpdir) {
        // A later NoClassDefFoundError carries the first failure as "Exception java.lang.X: ... [in thread "main"]".
        String firstLine = (message == null ? "" : message.lines().findFirst().orElse("").strip())
                .replaceFirst("^Exception [\\w.$]+: ", "").replaceFirst(" \\[in thread .*]$", "");
        Path dir;
        try {
            dir = Path.of(tmpdir == null ? "" : tmpdir);
        } catch (InvalidPathException e) {
            return firstLine;
        }
        if (!Files.exists(dir)) {
            return "the temporary directory " + dir + " does not exist";
        }
        if (!Files.isDirectory(dir)) {
            return "the temporary directory " + dir + " is not a directory";
        }
        if (!Files.isWritable(dir)) {
            return "the temporary directory " + dir + " is not writable";
        }
        if (firstLine.contains("No space left")) {
            return "the temporary directory " + dir + " is full";
        }
        if (firstLine.contains("failed to map segment") || firstLine.contains("operation not permitted")) {
            return "the temporary directory " + dir + " does not allow loading programs from it (mounted noexec?)";
        }
        return firstLine;
    }
}
