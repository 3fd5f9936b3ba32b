package dev.lifeboat.core.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.lifeboat.core.crypto.ObjectAuthenticationException;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.EOFException;
import java.util.Locale;

/**
 * Says in a few words why a manifest could not be read, without the decoder's or JSON
 * library's own wording, which means nothing to an operator.
 */
final class ManifestDamage {

    private ManifestDamage() {
    }

    /** The phrase, or null when the failure is the store's (an I/O error while reading), not the manifest's. */
    static String reasonFor(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ObjectAuthenticationException) {
                return ObjectAuthenticationException.REASON;
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof JsonEOFException || t instanceof EOFException || message.contains("truncated")) {
                return "truncated";
            }
            if (message.contains("checksum")) {
                return "its content does not match its checksum";
            }
            if (t instanceof LifeboatException e && e.code() == ErrorCode.CORRUPT) {
                return "cannot be decompressed";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return "not a valid manifest";
            }
        }
        return null;
    }
}
