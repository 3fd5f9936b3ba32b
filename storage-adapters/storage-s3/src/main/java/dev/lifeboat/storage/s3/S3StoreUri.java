package dev.lifeboat.storage.s3;

import dev.lifeboat.storage.BlobKeys;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/optional/prefix?option=value&...} URI, parsed: where the store is and how
 * to talk to it. The options are listed in {@link #OPTIONS} and in the module's README.
 *
 * <p>Credentials never come from the URI (it ends up in configuration files, process lists and
 * logs): a URI with user info, or with an option that looks like a credential, is refused with
 * a message that does not repeat the value.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message names the option;
 * {@link S3StoreProvider} turns it into a PERMANENT storage failure.
 */
public record S3StoreUri(S3Location location, S3Options options) {

    /** AWS's own default; an S3-compatible server usually accepts it too (R2 wants "auto"). */
    public static final String DEFAULT_REGION = "us-east-1";

    public static final List<String> OPTIONS = List.of("region", "endpoint", "path-style", "storage-class", "sse",
            "sse-kms-key-id", "timeout", "request-timeout", "page-size", "part-size", "checksums");

    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern STORAGE_CLASS = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})([KMG]i?B?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREDENTIAL_LIKE = Pattern.compile("(?i).*(secret|access.?key|token|password|credential).*");
    private static final List<String> SSE_VALUES = List.of("AES256", "aws:kms", "aws:kms:dsse");

    /** Parses {@code uri}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static S3StoreUri parse(URI uri) {
        if (uri.getScheme() == null || !uri.getScheme().equalsIgnoreCase("s3")) {
            throw new IllegalArgumentException("not an s3:// URI");
        }
        if (uri.isOpaque()) {
            throw new IllegalArgumentException("an S3 store is written s3://bucket/prefix");
        }
        String authority = uri.getRawAuthority();
        if (authority != null && authority.contains("@")) {
            throw new IllegalArgumentException("credentials are never read from the repository URI: take them out and "
                    + "use the environment (AWS_ACCESS_KEY_ID...), a profile (AWS_PROFILE) or an instance role");
        }
        if (authority == null || !BUCKET.matcher(authority).matches()) {
            throw new IllegalArgumentException("missing or invalid bucket name in s3://"
                    + (authority == null ? "" : authority) + "/...");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("an S3 store URI has no #fragment");
        }
        String prefix = prefix(uri.getPath());

        Map<String, String> query = query(uri.getRawQuery());
        String region = query.getOrDefault("region", DEFAULT_REGION);
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("invalid region '" + region + "'");
        }
        URI endpoint = query.containsKey("endpoint") ? endpoint(query.get("endpoint")) : null;
        // S3-compatible servers mostly want path-style (MinIO, Ceph without wildcard DNS); AWS wants virtual hosts.
        boolean pathStyle = query.containsKey("path-style") ? bool("path-style", query.get("path-style")) : endpoint != null;

        S3Options defaults = S3Options.DEFAULTS;
        String storageClass = null;
        if (query.containsKey("storage-class")) {
            storageClass = query.get("storage-class").toUpperCase(Locale.ROOT);
            if (!STORAGE_CLASS.matcher(storageClass).matches()) {
                throw new IllegalArgumentException("invalid storage-class '" + query.get("storage-class") + "'");
            }
        }
        String sse = query.get("sse");
        if (sse != null && !SSE_VALUES.contains(sse)) {
            throw new IllegalArgumentException("sse must be one of " + String.join(", ", SSE_VALUES) + ", not '" + sse + "'");
        }
        String kmsKey = query.get("sse-kms-key-id");
        if (kmsKey != null) {
            if (kmsKey.isBlank()) {
                throw new IllegalArgumentException("empty sse-kms-key-id");
            }
            if (sse == null) {
                sse = "aws:kms";
            } else if (!sse.startsWith("aws:kms")) {
                throw new IllegalArgumentException("sse-kms-key-id needs sse=aws:kms or aws:kms:dsse, not " + sse);
            }
        }
        Duration timeout = query.containsKey("timeout") ? duration("timeout", query.get("timeout")) : defaults.timeout();
        Duration requestTimeout = query.containsKey("request-timeout")
                ? duration("request-timeout", query.get("request-timeout")) : defaults.requestTimeout();
        int pageSize = query.containsKey("page-size") ? integer("page-size", query.get("page-size")) : defaults.pageSize();
        int partSize = query.containsKey("part-size") ? partSize(query.get("part-size")) : defaults.partSize();
        boolean checksums = defaults.checksums();
        if (query.containsKey("checksums")) {
            checksums = switch (query.get("checksums")) {
                case "when-supported" -> true;
                case "when-required" -> false;
                default -> throw new IllegalArgumentException("checksums must be when-supported or when-required, not '"
                        + query.get("checksums") + "'");
            };
        }
        S3Options options = new S3Options(storageClass, sse, kmsKey, timeout, requestTimeout, pageSize, partSize, checksums);
        return new S3StoreUri(new S3Location(authority, prefix, region, endpoint, pathStyle), options);
    }

    private static String prefix(String path) {
        String prefix = path == null ? "" : path;
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (!prefix.isEmpty()) {
            try {
                BlobKeys.check(prefix);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid key prefix '" + prefix + "': " + e.getMessage(), e);
            }
        }
        return prefix;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> options = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return options;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (!OPTIONS.contains(name)) {
                if (CREDENTIAL_LIKE.matcher(name).matches()) {
                    throw new IllegalArgumentException("credentials are never read from the repository URI (option '"
                            + name + "'): use the environment, a profile or an instance role");
                }
                throw new IllegalArgumentException("unknown option '" + name + "' (known: " + String.join(", ", OPTIONS) + ")");
            }
            if (options.put(name, value) != null) {
                throw new IllegalArgumentException("option '" + name + "' given twice");
            }
        }
        return options;
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    private static URI endpoint(String value) {
        URI endpoint;
        try {
            endpoint = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint is not a URL: " + e.getMessage(), e);
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http:// or https:// URL with a host, not '" + value + "'");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials are never read from the repository URI (endpoint user info): "
                    + "use the environment, a profile or an instance role");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint must not have a query or fragment");
        }
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().equals("/") ? "" : endpoint.getRawPath();
        return URI.create(scheme + "://" + endpoint.getRawAuthority() + path);
    }

    private static boolean bool(String name, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
        };
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'", e);
        }
    }

    /** "30s", "500ms", "2m", "1h", a bare number of seconds, or ISO-8601 ("PT30S"). */
    static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value);
        Duration duration;
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            duration = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } else {
            try {
                duration = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " must be a duration such as 30s, 500ms or 2m, not '" + value + "'", e);
            }
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, not '" + value + "'");
        }
        return duration;
    }

    /** "16MiB", "16M", "8388608": K, M and G are powers of 1024 whatever the spelling. */
    static int partSize(String value) {
        String name = "part-size";
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(name + " must be a size such as 16MiB, not '" + value + "'");
        }
        long bytes = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        bytes *= switch (unit.charAt(0)) {
            case 'K' -> 1024L;
            case 'M' -> 1024L * 1024;
            case 'G' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (bytes < S3Options.MIN_PART_SIZE || bytes > S3Options.MAX_PART_SIZE) {
            throw new IllegalArgumentException(name + " must be 5MiB to 1GiB, not '" + value + "'");
        }
        return (int) bytes;
    }
}
