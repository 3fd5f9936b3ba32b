package dev.lifeboat.storage.fs;

import dev.lifeboat.storage.StorageException;
import dev.lifeboat.storage.StorageException.Kind;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;

/**
 * Turns the IOExceptions of the filesystem into {@link StorageException}s whose kind says what
 * the caller may do next. Java reports most errno values only as text ("No space left on
 * device"), so the permanent ones are recognized by their strerror wording.
 */
final class FileSystemErrors {

    /** strerror texts of conditions a retry will not cure, as "reason" for the message. */
    private static final List<String> PERMANENT_REASONS = List.of(
            "no space left on device",         // ENOSPC: a full disk does not empty itself in seconds
            "disk quota exceeded",             // EDQUOT
            "read-only file system",           // EROFS
            "operation not permitted",         // EPERM (e.g. chown on a root-squashed NFS share)
            "permission denied",               // EACCES outside an AccessDeniedException
            "file name too long",              // ENAMETOOLONG
            "not a directory",                 // ENOTDIR: a blob where a directory should be
            "is a directory",                  // EISDIR
            "too many levels of symbolic links");

    private FileSystemErrors() {
    }

    /**
     * The failure of {@code action} ("store", "read", "list"...) on {@code key} (or prefix) in
     * the store at {@code location}, as a one-line message naming both.
     */
    static StorageException of(String action, String location, String key, IOException e) {
        String prefix = "cannot " + action + " '" + key + "' in " + location + ": ";
        if (e instanceof AccessDeniedException denied) {
            return new StorageException(Kind.PERMANENT, location, key,
                    prefix + "permission denied on " + denied.getFile(), e);
        }
        String reason = reason(e);
        String lower = reason.toLowerCase(Locale.ROOT);
        for (String permanent : PERMANENT_REASONS) {
            if (lower.contains(permanent)) {
                return new StorageException(Kind.PERMANENT, location, key, prefix + permanent + where(e), e);
            }
        }
        if (e instanceof NotDirectoryException) {
            return new StorageException(Kind.PERMANENT, location, key, prefix + "not a directory" + where(e), e);
        }
        String what = e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName() + ": " + reason;
        return new StorageException(Kind.TRANSIENT, location, key, prefix + what + where(e), e);
    }

    /** Whether the error means "there is nothing at that path" (so a read answers NOT_FOUND). */
    static boolean isAbsent(IOException e) {
        return e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || reason(e).toLowerCase(Locale.ROOT).contains("not a directory");
    }

    private static String reason(IOException e) {
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            reason = StorageException.oneLine(e);
        }
        return reason.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static String where(IOException e) {
        return e instanceof FileSystemException fse && fse.getFile() != null ? " (" + fse.getFile() + ")" : "";
    }
}
