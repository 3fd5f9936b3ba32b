package dev.lifeboat.core.error;

/**
 * A failure meant for the user: one line saying what is wrong, and a hint saying what to do.
 * The command line prints both without a stack trace (unless --debug) and exits with the
 * code's status.
 */
public class LifeboatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String hint;

    public LifeboatException(ErrorCode code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint;
    }

    public LifeboatException(ErrorCode code, String message, String hint) {
        this(code, message, hint, null);
    }

    public LifeboatException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** What the user can do about it, or null. */
    public String hint() {
        return hint;
    }
}
