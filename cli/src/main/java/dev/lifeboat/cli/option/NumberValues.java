package dev.lifeboat.cli.option;

import dev.lifeboat.core.codec.ObjectCodec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for numeric options, so that a count, a size or a timeout of zero or less is
 * refused while the command line (or the configuration file) is read, naming the option,
 * before anything is written. Attach one with {@code @Option(converter = ...)}.
 */
public final class NumberValues {

    private NumberValues() {
    }

    /** 1 or more: --jobs, --ahead, --keep-full. */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) check(parse(value, Integer.MAX_VALUE), value, 1, "a whole number of 1 or more");
        }
    }

    /** 0 or more, where 0 means "off" or "none": --prefetch, --max-ready. */
    public static final class NonNegativeInt implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) check(parse(value, Integer.MAX_VALUE), value, 0, "a whole number of 0 or more");
        }
    }

    /** 1 or more, for seconds and milliseconds: --archive-timeout, --start-timeout, --stream-interval. */
    public static final class PositiveLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return check(parse(value, Long.MAX_VALUE), value, 1, "a whole number of 1 or more");
        }
    }

    /** 0 or more: --max-slot-lag. */
    public static final class NonNegativeLong implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return check(parse(value, Long.MAX_VALUE), value, 0, "a whole number of 0 or more");
        }
    }

    /** A TCP port, 1 to 65535: --pg-port, --port. */
    public static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long port = parse(value, Long.MAX_VALUE);
            if (port < 1 || port > 65535) {
                throw new TypeConversionException("must be a port number from 1 to 65535, not '" + value + "'");
            }
            return (int) port;
        }
    }

    /** A zstd level for a new repository: --compress-level. */
    public static final class CompressLevel implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long level = parse(value, Integer.MAX_VALUE);
            if (level < ObjectCodec.MIN_LEVEL || level > ObjectCodec.MAX_LEVEL) {
                throw new TypeConversionException("must be a zstd level from " + ObjectCodec.MIN_LEVEL + " to " + ObjectCodec.MAX_LEVEL
                        + ", not '" + value + "'");
            }
            return (int) level;
        }
    }

    private static long parse(String value, long max) {
        String text = value == null ? "" : value.strip();
        long parsed;
        try {
            parsed = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, not '" + value + "'");
        }
        if (parsed > max) {
            throw new TypeConversionException("'" + value + "' is too large");
        }
        return parsed;
    }

    private static long check(long parsed, String value, long least, String what) {
        if (parsed < least) {
            throw new TypeConversionException("must be " + what + ", not '" + value + "'");
        }
        return parsed;
    }
}
