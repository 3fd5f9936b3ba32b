package dev.lifeboat.cli.option;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.pg.SslMode;
import dev.lifeboat.core.repo.BackupType;
import dev.lifeboat.core.retention.DurationText;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.InvalidStoreLocationException;
import dev.lifeboat.storage.TransferRate;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Converters that check an option written as text (a duration, a rate) while the command line
 * is read, and keep the text: the command parses it again where it is used, so one wrong
 * value fails at once, naming its option, whatever command it was given to.
 */
public final class TextValues {

    private TextValues() {
    }

    /** A duration longer than zero: 7d, 12h, PT36H. */
    public static final class PositiveDuration implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            positive(value);
            return value;
        }
    }

    /** A duration longer than zero, or "off". */
    public static final class PositiveDurationOrOff implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (value != null && !value.strip().equalsIgnoreCase("off")) {
                positive(value);
            }
            return value;
        }
    }

    /** A libpq sslmode: disable, allow, prefer, require, verify-ca, verify-full. */
    public static final class PgSslMode implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                SslMode.parse(value, "sslmode");
            } catch (LifeboatException e) {
                throw new TypeConversionException("'" + value + "' is not an sslmode: " + e.hint());
            }
            return value;
        }
    }

    /** A transfer rate: 50MB/s, 1GiB/s (at least 64KiB/s). */
    public static final class Rate implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                TransferRate.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    /**
     * A repository location: a directory, or a store URI its adapter can read (a malformed
     * S3 URI is refused here, naming the option, or the configuration key it came from).
     */
    public static final class StoreLocation implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                BlobStores.check(value);
            } catch (InvalidStoreLocationException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    /** How long to wait for the repository lock: a duration, or plain seconds; 0 (do not wait) or more. */
    public static final class LockWait implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                LockWait.parse(value);
            } catch (IllegalArgumentException e) {
                throw new RefusedValueException(e.getMessage(), "e.g. --lock-wait 15m (plain numbers are seconds)");
            }
            return value;
        }

        /** The wait a checked value stands for. */
        public static Duration parse(String value) {
            String text = value == null ? "" : value.strip();
            Duration wait = text.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(text)) : DurationText.parse(text);
            if (wait.isNegative()) {
                throw new IllegalArgumentException("must not be negative, not '" + value + "'");
            }
            return wait;
        }
    }

    /** A backup type: full, diff or incr. */
    public static final class BackupTypeName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                BackupType.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    private static void positive(String value) {
        Duration duration;
        try {
            duration = DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new TypeConversionException("must be longer than zero, not '" + value + "'");
        }
    }
}
