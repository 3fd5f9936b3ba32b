package dev.lifeboat.cli.option;

import picocli.CommandLine.TypeConversionException;

/**
 * A refused option value that knows better advice than "see --help" (how to write a time with
 * its zone, a wait in plain seconds): the usage error prints it as its hint.
 */
public final class RefusedValueException extends TypeConversionException {

    private final String hint;

    public RefusedValueException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
