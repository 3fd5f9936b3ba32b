package dev.lifeboat.core.error;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Why a local file could not be read or written, in words. Java's message for a denied or
 * missing file is only its path, so "cannot read X: " + e.getMessage() said "cannot read X: X".
 */
public final class LocalFileProblem {

    private LocalFileProblem() {
    }

    public static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() == null ? "it does not exist" : missing.getFile() + " does not exist";
        }
        if (e instanceof FileSystemException fse) {
            return fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
        }
        return e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage() : e.getClass().getSimpleName();
    }
}
