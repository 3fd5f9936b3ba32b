package dev.lifeboat.core.crypto;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

/**
 * An object of an encrypted repository is not what this repository wrote under its name: it was
 * tampered with, truncated, swapped with another object or written with another key. CORRUPT
 * (exit 9), naming the object; its own type so that callers that describe damage say this, not
 * a guess from the message.
 */
public final class ObjectAuthenticationException extends LifeboatException {

    /** The short phrase for a list of damaged objects. */
    public static final String REASON =
            "failed authentication: it was tampered with, truncated, swapped with another object or written with another key";

    private final String objectKey;

    ObjectAuthenticationException(String objectKey, String location, Throwable cause) {
        super(ErrorCode.CORRUPT, "object " + objectKey + " in " + location + " " + REASON,
                "restore it from another copy of the repository (lifeboat replicate), or check that --repo and the key are the right ones",
                cause);
        this.objectKey = objectKey;
    }

    public String objectKey() {
        return objectKey;
    }
}
