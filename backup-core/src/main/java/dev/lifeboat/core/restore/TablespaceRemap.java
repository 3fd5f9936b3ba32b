package dev.lifeboat.core.restore;

import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's {@code --tablespace-map NAME_OR_OID=/new/path} options: where tablespaces go
 * instead of their original directories. Only the syntax is checked here; whether the names
 * are the backup's is decided once the backup is chosen ({@link TablespacePlacement}).
 */
public final class TablespaceRemap {

    public static final String OPTION = "--tablespace-map";

    private TablespaceRemap() {
    }

    /** Each spec's tablespace (a name or an oid, as given) and its new, absolute and normalised directory, in order. */
    public static Map<String, Path> parse(List<String> specs) {
        Map<String, Path> remap = new LinkedHashMap<>();
        for (String spec : specs == null ? List.<String>of() : specs) {
            // Split where the absolute path starts: names and paths may both hold '='.
            int eq = spec.indexOf("=/") >= 0 ? spec.indexOf("=/") : spec.indexOf('=');
            String key = eq < 0 ? "" : spec.substring(0, eq).strip();
            String value = eq < 0 ? "" : spec.substring(eq + 1).strip();
            if (key.isEmpty() || value.isEmpty()) {
                throw usage(OPTION + " '" + spec + "' is not NAME_OR_OID=/new/path", "e.g. " + OPTION + " fast_disk=/srv/pg/fast_disk");
            }
            Path path;
            try {
                path = Path.of(value);
            } catch (InvalidPathException e) {
                throw usage(OPTION + " " + key + ": '" + value + "' is not a path", "give an absolute directory");
            }
            if (!path.isAbsolute()) {
                throw usage(OPTION + " " + key + ": '" + value + "' is not an absolute path",
                        "PostgreSQL needs tablespaces at absolute paths, e.g. " + OPTION + " " + key + "=/srv/pg/" + key);
            }
            if (remap.putIfAbsent(key, path.normalize()) != null) {
                throw usage(OPTION + " names " + key + " twice", "give one new path per tablespace");
            }
        }
        return Collections.unmodifiableMap(remap);
    }

    static LifeboatException usage(String message, String hint) {
        return new LifeboatException(ErrorCode.USAGE, message, hint);
    }
}
