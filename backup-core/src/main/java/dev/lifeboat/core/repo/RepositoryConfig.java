package dev.lifeboat.core.repo;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One repository of a cluster's configuration.
 *
 * @param name      how commands and messages name it (--repo-name); also part of queue keys
 * @param location  a directory or a store URI
 * @param required  wal-push succeeds only once a segment is stored here; WAL for a repository
 *                  that is not required may be queued and copied later
 * @param retention the retention settings given for it, as written (read by expire)
 */
public record RepositoryConfig(String name, String location, boolean required, Map<String, String> retention) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public RepositoryConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        if (!isValidName(name)) {
            throw new IllegalArgumentException("repository name '" + name
                    + "' must be 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit");
        }
        retention = retention == null ? Map.of() : Map.copyOf(retention);
    }

    /** A repository given by its location alone (--repo): required, no retention settings. */
    public static RepositoryConfig of(String name, String location) {
        return new RepositoryConfig(name, location, true, Map.of());
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
