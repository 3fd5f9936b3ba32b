package dev.lifeboat.cli.option;

import dev.lifeboat.core.retention.DurationText;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Warning and critical limits of `check`, as numbers in the unit the check measures (seconds,
 * a count, percent, bytes); "off" is no limit (empty).
 */
public final class ThresholdValues {

    private ThresholdValues() {
    }

    /** A duration (90s, 26h, 8d) as seconds, or off. */
    public static final class Age implements ITypeConverter<OptionalDouble> {
        @Override
        public OptionalDouble convert(String value) {
            if (off(value)) {
                return OptionalDouble.empty();
            }
            try {
                long millis = DurationText.parse(value).toMillis();
                if (millis < 0) {
                    throw new TypeConversionException("'" + value + "' is negative: write e.g. 26h, or off");
                }
                return OptionalDouble.of(millis / 1000.0);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + ", or off");
            }
        }
    }

    /** A whole number of 0 or more, or off. */
    public static final class Count implements ITypeConverter<OptionalDouble> {
        @Override
        public OptionalDouble convert(String value) {
            if (off(value)) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(wholeNumber(value, value.strip(), "a whole number of 0 or more (e.g. 16), or off"));
        }
    }

    /** A size in MiB (a whole number, "MiB" may follow) as bytes, or off. */
    public static final class Mebibytes implements ITypeConverter<OptionalDouble> {
        @Override
        public OptionalDouble convert(String value) {
            if (off(value)) {
                return OptionalDouble.empty();
            }
            String number = value.strip().replaceFirst("(?i)\\s*MiB$", "");
            return OptionalDouble.of(wholeNumber(value, number, "a size in MiB (e.g. 512), or off") * (double) (1 << 20));
        }
    }

    /** A percentage from 0 to 100 ("%" may follow), or off. */
    public static final class Percent implements ITypeConverter<OptionalDouble> {
        @Override
        public OptionalDouble convert(String value) {
            if (off(value)) {
                return OptionalDouble.empty();
            }
            String number = value.strip().replaceFirst("\\s*%$", "");
            double parsed;
            try {
                parsed = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                parsed = Double.NaN;
            }
            if (!(parsed >= 0 && parsed <= 100)) {
                throw new TypeConversionException("'" + value + "' is not a percentage: write a number from 0 to 100 (e.g. 10%), or off");
            }
            return OptionalDouble.of(parsed);
        }
    }

    private static boolean off(String value) {
        return value == null || value.isBlank() || value.strip().toLowerCase(Locale.ROOT).equals("off");
    }

    private static long wholeNumber(String value, String number, String expected) {
        try {
            long parsed = Long.parseLong(number);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new TypeConversionException("'" + value + "' is not " + expected);
    }
}
