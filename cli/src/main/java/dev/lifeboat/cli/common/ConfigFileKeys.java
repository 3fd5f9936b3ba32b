package dev.lifeboat.cli.common;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.ErrorCode;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.schedules.ScheduleConfiguration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which keys the configuration file may hold, read from the commands themselves so that they
 * never drift: at the top level, any command's long option without dashes (it applies to every
 * command that has it), a command's name holding a section of that command's options,
 * 'repositories' and 'schedule' (each checked by its own reader). A key that is none of these
 * is a mistake, most often a typo, and silently ignoring it would run with another setting
 * than the user wrote.
 */
final class ConfigFileKeys {

    private static final String SCHEDULE = "schedule";
    /** Entries that are not options: their values are checked by ConfiguredRepositories and ScheduleConfiguration. */
    private static final Set<String> SECTIONS_READ_ELSEWHERE = Set.of(ConfiguredRepositories.KEY, SCHEDULE);
    /** Options that make no sense in a file. */
    private static final Set<String> NOT_IN_A_FILE = Set.of("config", "help", "version");

    private final Set<String> options = new TreeSet<>();
    private final Map<String, Set<String>> sections = new HashMap<>();

    private ConfigFileKeys(CommandSpec root) {
        collect(root);
    }

    /** Throws a CONFIG error naming the file and the first key that is unknown or of the wrong shape. */
    static void check(ConfigFile config, CommandSpec root) {
        JsonNode tree = config.tree();
        if (tree == null || !tree.isObject()) {
            return;
        }
        String file = config.path().map(Object::toString).orElse("the configuration file");
        new ConfigFileKeys(root).check(file, tree);
    }

    private void collect(CommandSpec command) {
        if (command.parent() != null) {
            Set<String> own = sections.computeIfAbsent(command.name(), n -> new TreeSet<>());
            for (OptionSpec option : command.options()) {
                String name = option.longestName();
                if (name.startsWith("--") && !NOT_IN_A_FILE.contains(name.substring(2))) {
                    own.add(name.substring(2));
                    options.add(name.substring(2));
                }
            }
        }
        command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec()));
    }

    private void check(String file, JsonNode tree) {
        for (Map.Entry<String, JsonNode> entry : tree.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.equals(SCHEDULE) && value.isObject()) {
                checkSchedule(file, value);
                continue;
            }
            if (SECTIONS_READ_ELSEWHERE.contains(key)) {
                continue;
            }
            if (value.isObject() && sections.containsKey(key)) {
                Set<String> allowed = sections.get(key);
                for (Map.Entry<String, JsonNode> inner : value.properties()) {
                    String innerKey = key + "." + inner.getKey();
                    if (!allowed.contains(inner.getKey())) {
                        throw unknown(file, innerKey, nearest(inner.getKey(), allowed).map(k -> key + "." + k),
                                "the options of '" + key + "': " + String.join(", ", allowed));
                    }
                    requireSingleValue(file, innerKey, inner.getValue());
                }
            } else if (options.contains(key)) {
                requireSingleValue(file, key, value);
            } else if (sections.containsKey(key)) {
                throw new LifeboatException(ErrorCode.CONFIG, file + ": key '" + key + "' must be a section of options",
                        "write e.g. '" + key + ":' followed by indented 'option: value' lines");
            } else {
                Set<String> all = new TreeSet<>(options);
                all.addAll(sections.keySet());
                all.addAll(SECTIONS_READ_ELSEWHERE);
                throw unknown(file, key, nearest(key, all),
                        "keys are option names without dashes, a command's name as a section, 'repositories' and 'schedule'");
            }
        }
    }

    /** The schedule's own keys, and each job's: its timing keys or options (the job runs a command with them). */
    private void checkSchedule(String file, JsonNode schedule) {
        for (Map.Entry<String, JsonNode> entry : schedule.properties()) {
            if (!ScheduleConfiguration.SECTION_KEYS.contains(entry.getKey())) {
                throw unknown(file, SCHEDULE + "." + entry.getKey(),
                        nearest(entry.getKey(), ScheduleConfiguration.SECTION_KEYS).map(k -> SCHEDULE + "." + k),
                        "the keys of 'schedule': " + String.join(", ", new TreeSet<>(ScheduleConfiguration.SECTION_KEYS)));
            }
        }
        JsonNode jobs = schedule.get("jobs");
        if (jobs == null || !jobs.isArray()) {
            return; // ScheduleConfiguration says what is wrong with it when the schedule is read
        }
        Set<String> allowed = new TreeSet<>(options);
        allowed.addAll(ScheduleConfiguration.TIMING_KEYS);
        for (int i = 0; i < jobs.size(); i++) {
            if (!jobs.get(i).isObject()) {
                continue;
            }
            for (Map.Entry<String, JsonNode> entry : jobs.get(i).properties()) {
                String where = SCHEDULE + ".jobs[" + i + "]." + entry.getKey();
                if (!allowed.contains(entry.getKey())) {
                    throw unknown(file, where, nearest(entry.getKey(), allowed),
                            "a job takes name, kind, cron or every, time-zone, and the options of its command");
                }
                requireSingleValue(file, where, entry.getValue());
            }
        }
    }

    private static void requireSingleValue(String file, String key, JsonNode value) {
        if (value.isContainerNode()) {
            throw new LifeboatException(ErrorCode.CONFIG, file + ": key '" + key + "' must be a single value, not a "
                    + (value.isArray() ? "list" : "mapping"), "write it as 'name: value' on one line");
        }
    }

    private static LifeboatException unknown(String file, String key, Optional<String> nearest, String known) {
        return new LifeboatException(ErrorCode.CONFIG, file + ": unknown key '" + key + "'",
                nearest.map(n -> "did you mean '" + n + "'? (" + known + ")").orElse(known));
    }

    /** The allowed key closest to a misspelt one, when it is close enough to be what was meant. */
    static Optional<String> nearest(String key, Set<String> allowed) {
        return allowed.stream()
                .filter(k -> distance(key, k) <= Math.max(2, Math.min(3, key.length() / 4)))
                .min(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k));
    }

    /** Edit distance: insertions, deletions, substitutions and swaps of two neighbours ("jbos" is one from "jobs"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
