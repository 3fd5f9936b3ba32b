package dev.lifeboat.core.wal;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

/** Bytes that were handed over as a WAL segment are not one (or not one this Lifeboat can read). */
public class WalFormatException extends LifeboatException {

    private static final long serialVersionUID = 1L;

    public WalFormatException(String message) {
        super(ErrorCode.CORRUPT, message, "check that the file is an uncompressed PostgreSQL WAL segment");
    }
}
