package dev.lifeboat.cli.option;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.restore.RecoveryTarget;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.function.Consumer;

/**
 * Converters for where recovery stops (restore, drill): a target or timeline that cannot be
 * read is refused while the command line or configuration file is read, naming the option or
 * the key it came from. They keep the text; RecoveryTargetOptions parses it again when used.
 */
public final class RecoveryValues {

    private RecoveryValues() {
    }

    /** --target-time: a time with a zone. */
    public static final class TargetTime implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return readableBy(RecoveryTarget::parseTime, value);
        }
    }

    /** --target-lsn: a WAL position as PostgreSQL prints it. */
    public static final class TargetLsn implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return readableBy(RecoveryTarget::parseLsn, value);
        }
    }

    /** --target-xid: a transaction id. */
    public static final class TargetXid implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return readableBy(RecoveryTarget::parseXid, value);
        }
    }

    /** --target: immediate, latest or last-known-good. */
    public static final class TargetKeyword implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return readableBy(RecoveryTarget::parseKeyword, value);
        }
    }

    /** --target-timeline: 'latest' or a timeline id (1 or more: PostgreSQL's first timeline is 1). */
    public static final class TargetTimeline implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String text = value == null ? "" : value.strip();
            if (text.equalsIgnoreCase("latest")) {
                return value;
            }
            try {
                if (Integer.parseInt(text) >= 1) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // refused below, in the same words
            }
            throw new TypeConversionException("must be 'latest' or a timeline number of 1 or more, not '" + value + "'");
        }
    }

    /** The value when the parser reads it; its refusal, hint included, as the option's error otherwise. */
    private static String readableBy(Consumer<String> parser, String value) {
        try {
            parser.accept(value == null ? "" : value);
        } catch (LifeboatException e) {
            throw new RefusedValueException(e.getMessage(), e.hint());
        }
        return value;
    }
}
