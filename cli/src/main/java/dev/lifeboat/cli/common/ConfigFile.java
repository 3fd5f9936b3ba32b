package dev.lifeboat.cli.common;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The YAML configuration file. Keys are option names without dashes, at the top level or
 * under a command's name (which wins for that command):
 *
 * <pre>
 * repo: /srv/lifeboat/main
 * pgdata: /var/lib/postgresql/15/main
 * pg-port: 5432
 * backup:
 *   jobs: 4
 * </pre>
 */
public final class ConfigFile {

    public static final Path DEFAULT = Path.of("/etc/lifeboat/lifeboat.yaml");

    private final Path path;
    private final JsonNode root;
    private final String problem;

    private ConfigFile(Path path, JsonNode root, String problem) {
        this.path = path;
        this.root = root;
        this.problem = problem;
    }

    public static ConfigFile empty() {
        return new ConfigFile(null, null, null);
    }

    /** A file that could not be read: every command fails with the reason before it runs. */
    private static ConfigFile broken(Path path, String problem) {
        return new ConfigFile(path, null, problem);
    }

    /** --config on the command line, then LIFEBOAT_CONFIG, then the default file if it exists. */
    public static ConfigFile locate(String[] args, Map<String, String> env) {
        String explicit = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                explicit = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                explicit = args[i].substring("--config=".length());
            }
        }
        if (explicit == null) {
            explicit = env.get("LIFEBOAT_CONFIG");
        }
        if (explicit != null) {
            Path path = Path.of(explicit).toAbsolutePath();
            if (!Files.isReadable(path)) {
                return broken(path, "configuration file " + path + " does not exist or cannot be read");
            }
            return load(path);
        }
        return Files.isReadable(DEFAULT) ? load(DEFAULT) : empty();
    }

    public static ConfigFile load(Path path) {
        try {
            YAMLFactory factory = new YAMLFactory();
            JsonNode root = new ObjectMapper(factory).readTree(path.toFile());
            if (root == null || root.isMissingNode() || root.isNull()) {
                // An empty file, or one whose every line is commented out (a packaged default), sets nothing.
                return new ConfigFile(path, null, null);
            }
            if (!root.isObject()) {
                return broken(path, "configuration file " + path + " must be a mapping of option: value");
            }
            Optional<String> twice = keyWrittenTwice(factory, path);
            if (twice.isPresent()) {
                return broken(path, path + ": key '" + twice.get() + "' is written twice; the file would mean only one of them");
            }
            return new ConfigFile(path, root, null);
        } catch (JsonProcessingException e) {
            // The parser's own words name its internals; the line and column are what a user needs.
            JsonLocation at = e.getLocation();
            return broken(path, "cannot read configuration file " + path + ": it is not valid YAML"
                    + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            return broken(path, "cannot read configuration file " + path + ": " + e.getMessage());
        }
    }

    /**
     * The first key written twice in one mapping ("pg-port", "backup.jobs"): a YAML reader keeps
     * the last and drops the other without a word, so one of the two settings would be ignored.
     */
    private static Optional<String> keyWrittenTwice(YAMLFactory factory, Path path) throws IOException {
        try (JsonParser parser = factory.createParser(path.toFile())) {
            Deque<Set<String>> keysOfOpenMappings = new ArrayDeque<>();
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    keysOfOpenMappings.push(new HashSet<>());
                } else if (token == JsonToken.END_OBJECT) {
                    keysOfOpenMappings.pop();
                } else if (token == JsonToken.FIELD_NAME && !keysOfOpenMappings.peek().add(parser.currentName())) {
                    return Optional.of(keyPath(parser.getParsingContext()));
                }
            }
        }
        return Optional.empty();
    }

    /** A key as the messages name it: "backup.jobs", "schedule.jobs[0].every". */
    private static String keyPath(JsonStreamContext context) {
        Deque<JsonStreamContext> outermostFirst = new ArrayDeque<>();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            outermostFirst.push(at);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext at : outermostFirst) {
            if (at.inArray()) {
                path.append('[').append(at.getCurrentIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(at.getCurrentName());
            }
        }
        return path.toString();
    }

    /** The file in use, if any. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** A value from the file and the key it was written under ("jobs", or "backup.jobs" in a command's section). */
    public record Setting(String key, String value) {
    }

    /** The value for an option (name without dashes) of a command: command section first. */
    public Optional<String> value(String command, String option) {
        return setting(command, option).map(Setting::value);
    }

    /** The value for an option of a command with the key it came from: command section first. */
    public Optional<Setting> setting(String command, String option) {
        if (root == null) {
            return Optional.empty();
        }
        JsonNode section = command == null ? null : root.get(command);
        JsonNode node = section != null && section.isObject() ? section.get(option) : null;
        String key = command + "." + option;
        if (node == null) {
            node = root.get(option);
            key = option;
        }
        if (node == null || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        return Optional.of(new Setting(key, node.asText()));
    }

    /** The whole file as a tree (for sections that are not options, such as schedule:), or null without a file. */
    public JsonNode tree() {
        return root;
    }

    /** A top-level entry of any shape (e.g. the 'repositories' list), if present. */
    public Optional<JsonNode> node(String key) {
        if (root == null) {
            return Optional.empty();
        }
        JsonNode node = root.get(key);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    /** Throws a CONFIG error for a key no command knows, or a value of the wrong shape; called before a command runs. */
    public void checkKeys(picocli.CommandLine.Model.CommandSpec commands) {
        ConfigFileKeys.check(this, commands);
    }

    /** Throws the problem with the file, if there is one; called before a command runs. */
    public void check() {
        if (problem != null) {
            throw new LifeboatException(ErrorCode.CONFIG, problem, "fix the file, or point --config (LIFEBOAT_CONFIG) at another");
        }
    }
}
