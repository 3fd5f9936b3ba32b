package dev.lifeboat.storage;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes per second, as an operator writes it: {@code 50MB/s}, {@code 50M},
 * {@code 1.5GiB/s}, {@code 800KB}. K, M and G are powers of 1000 with "B" or alone and powers
 * of 1024 with "iB", so that "50MB/s" means what a network graph shows.
 */
public record TransferRate(long bytesPerSecond) {

    /** Below this a single 64 KiB read would wait for more than a second. */
    public static final long MINIMUM = 64 * 1024;

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMG]?)(i?)(B?)(?:/s)?", Pattern.CASE_INSENSITIVE);

    public TransferRate {
        if (bytesPerSecond < MINIMUM) {
            throw new IllegalArgumentException("a transfer rate must be at least " + MINIMUM + " bytes/s (64KiB/s), not "
                    + bytesPerSecond);
        }
    }

    /** Parses "50MB/s" and friends; throws {@link IllegalArgumentException} naming the value. */
    public static TransferRate parse(String text) {
        Matcher m = text == null ? null : RATE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not a transfer rate: '" + text + "' (write e.g. 50MB/s, 800KB/s or 1GiB/s)");
        }
        double amount = Double.parseDouble(m.group(1));
        boolean binary = !m.group(3).isEmpty();
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> binary ? 1L << 10 : 1000L;
            case "M" -> binary ? 1L << 20 : 1000L * 1000;
            case "G" -> binary ? 1L << 30 : 1000L * 1000 * 1000;
            default -> 1L;
        };
        if (binary && m.group(2).isEmpty()) {
            throw new IllegalArgumentException("not a transfer rate: '" + text + "'");
        }
        try {
            return new TransferRate((long) (amount * unit));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("transfer rate '" + text + "' is too low: the least is 64KiB/s", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
    }
}
