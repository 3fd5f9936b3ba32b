package dev.lifeboat.cli.common;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.repo.RepositoryConfig;
import dev.lifeboat.core.retention.DurationText;
import dev.lifeboat.storage.BlobStores;
import dev.lifeboat.storage.StorageException;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The 'repositories' list of the configuration file: the repositories one cluster keeps, in
 * the order they are read from.
 *
 * <pre>
 * repositories:
 *   - name: eu
 *     uri: s3://acme-pg/prod?region=eu-west-1
 *     required: true          # the default: wal-push succeeds only once a segment is stored here
 *     retention:             # what 'expire' keeps here, unless its flags say otherwise
 *       keep-full: 4
 *       pitr-window: 7d
 *   - name: us
 *     uri: s3://acme-pg-us/prod?region=us-east-2
 *     required: false         # WAL that cannot be stored here at once is queued and copied later
 * </pre>
 */
public final class ConfiguredRepositories {

    public static final String KEY = "repositories";
    private static final Set<String> FIELDS = Set.of("name", "uri", "required", "retention");
    /** The expire options a repository's retention may set, by the same names. */
    public static final List<String> RETENTION_FIELDS = List.of("keep-full", "keep-within", "pitr-window", "orphan-age");

    private ConfiguredRepositories() {
    }

    /** The configured repositories; empty when the file has no list. Fails with {@link ErrorCode#CONFIG}. */
    public static List<RepositoryConfig> of(ConfigFile config) {
        JsonNode list = config.node(KEY).orElse(null);
        if (list == null) {
            return List.of();
        }
        String file = config.path().map(Object::toString).orElse("the configuration file");
        if (config.node("repo").isPresent()) {
            throw invalid(file, "it has both 'repo' and 'repositories'", "keep one: 'repo' for a single repository");
        }
        if (!list.isArray() || list.isEmpty()) {
            throw invalid(file, "'repositories' must be a list of {name, uri, required, retention}", null);
        }
        List<RepositoryConfig> members = new ArrayList<>();
        Map<URI, String> locations = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String where = "repositories[" + i + "]";
            if (!entry.isObject()) {
                throw invalid(file, where + " must be a mapping with name and uri", null);
            }
            for (Iterator<String> fields = entry.fieldNames(); fields.hasNext(); ) {
                String field = fields.next();
                if (!FIELDS.contains(field)) {
                    throw invalid(file, where + " has unknown key '" + field + "'", "known keys: name, uri, required, retention");
                }
            }
            String name = text(entry, "name");
            String uri = text(entry, "uri");
            if (name == null || !RepositoryConfig.isValidName(name)) {
                throw invalid(file, where + " needs a name of lowercase letters, digits, '-' and '_' (got "
                        + (name == null ? "none" : "'" + name + "'") + ")", null);
            }
            if (uri == null || uri.isBlank()) {
                throw invalid(file, "repository " + name + " has no uri", "give a directory or a store URI such as s3://bucket/prefix");
            }
            if (members.stream().anyMatch(m -> m.name().equals(name))) {
                throw invalid(file, "two repositories are named '" + name + "'", null);
            }
            URI location;
            try {
                location = BlobStores.toUri(uri);
                BlobStores.check(uri); // a malformed store URI is this file's mistake, found before anything runs
            } catch (StorageException e) {
                throw invalid(file, "repository " + name + ": " + e.getMessage(), null);
            }
            String twin = locations.putIfAbsent(location, name);
            if (twin != null) {
                throw invalid(file, "repositories " + twin + " and " + name + " have the same uri", null);
            }
            JsonNode required = entry.get("required");
            if (required != null && !required.isBoolean()) {
                throw invalid(file, "repository " + name + ": 'required' must be true or false", null);
            }
            members.add(new RepositoryConfig(name, uri, required == null || required.booleanValue(), retention(file, name, entry)));
        }
        if (members.stream().noneMatch(RepositoryConfig::required)) {
            throw invalid(file, "no repository is marked required",
                    "mark at least one 'required: true': wal-push must store every segment durably somewhere");
        }
        return members;
    }

    private static Map<String, String> retention(String file, String name, JsonNode entry) {
        JsonNode node = entry.get("retention");
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(file, "repository " + name + ": 'retention' must be a mapping", null);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!RETENTION_FIELDS.contains(e.getKey())) {
                throw invalid(file, "repository " + name + ": 'retention' has unknown key '" + e.getKey() + "'",
                        "known keys: " + String.join(", ", RETENTION_FIELDS) + " (the expire options)");
            }
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw invalid(file, "repository " + name + ": retention '" + e.getKey() + "' must be a number or a duration such as 7d", null);
            }
            String value = e.getValue().asText().strip();
            if (!validRetention(e.getKey(), value)) {
                throw invalid(file, "repository " + name + ": retention " + e.getKey() + " is '" + value + "', not "
                        + (e.getKey().equals("keep-full") ? "a whole number of at least 1" : "a duration"), "e.g. keep-full: 4, pitr-window: 7d");
            }
            values.put(e.getKey(), value);
        }
        return values;
    }

    private static boolean validRetention(String key, String value) {
        try {
            if (key.equals("keep-full")) {
                return Integer.parseInt(value) >= 1;
            }
            DurationText.parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String text(JsonNode entry, String field) {
        JsonNode node = entry.get(field);
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }

    private static LifeboatException invalid(String file, String problem, String hint) {
        return new LifeboatException(ErrorCode.CONFIG, "configuration file " + file + ": " + problem,
                hint == null ? "see 'Several repositories' in docs/operations.md" : hint);
    }
}
