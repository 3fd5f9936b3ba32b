package dev.lifeboat.core.wal;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The real WAL segments in {@code src/test/resources/wal-samples} (made by its make-samples.sh)
 * and what pg_waldump read in them.
 */
public final class WalSamples {

    public static final String FIRST = "000000010000000000000002";
    public static final String SECOND = "000000010000000000000003";

    private static final Properties EXPECTED = load();

    private WalSamples() {
    }

    public static InputStream open(String segment) throws IOException {
        InputStream compressed = WalSamples.class.getResourceAsStream("/wal-samples/" + segment + ".zst");
        if (compressed == null) {
            throw new IllegalStateException("no sample " + segment + "; run wal-samples/make-samples.sh");
        }
        return new ZstdInputStream(compressed);
    }

    public static byte[] bytes(String segment) throws IOException {
        try (InputStream in = open(segment)) {
            return in.readAllBytes();
        }
    }

    public static List<String> segments() {
        return List.of(expected("segments").split(","));
    }

    public static String expected(String key) {
        String value = EXPECTED.getProperty(key);
        if (value == null) {
            throw new IllegalStateException("expected.properties has no " + key);
        }
        return value;
    }

    public static String expected(String segment, String key) {
        return expected(segment + "." + key);
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = WalSamples.class.getResourceAsStream("/wal-samples/expected.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
